import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  AttachDeviceDto,
  CreateDeviceDto,
  DeviceBrandListDto,
  DeviceBrandsQueryDto,
  DeviceDetailDto,
  DevicePageDto,
  ListDevicesQueryDto,
  UpdateDeviceDto,
} from './devices.dto';
import { DevicesService } from './devices.service';

@ApiTags('devices')
@Controller('devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Access('DEVICES', 'read')
  @Get()
  @ApiOkResponse({ type: DevicePageDto })
  list(@Auth() access: AccessContext, @Query() query: ListDevicesQueryDto) {
    return this.devices.list(access, query);
  }

  // Before ':id', which would take "brands" for an id.
  @Access('DEVICES', 'read')
  @Get('brands')
  @ApiOkResponse({ type: DeviceBrandListDto })
  brands(@Auth() access: AccessContext, @Query() query: DeviceBrandsQueryDto) {
    return this.devices.brands(access, query);
  }

  @Access('DEVICES', 'read')
  @Get(':id')
  @ApiOkResponse({ type: DeviceDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.devices.detail(access, id);
  }

  @Access('DEVICES', 'create')
  @Post()
  @ApiCreatedResponse({ type: DeviceDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateDeviceDto) {
    return this.devices.create(access, body);
  }

  @Access('DEVICES', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: DeviceDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateDeviceDto) {
    return this.devices.update(access, id, body);
  }

  @Access('DEVICES', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.devices.remove(access, id);
  }

  @Access('DEVICES', 'update')
  @Post(':id/attach')
  @HttpCode(200)
  @ApiOkResponse({ type: DeviceDetailDto, description: 'attaches the device to a meter of its tenant with a compatible profile' })
  attach(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: AttachDeviceDto) {
    return this.devices.attach(access, id, body.meterId);
  }

  @Access('DEVICES', 'update')
  @Post(':id/detach')
  @HttpCode(200)
  @ApiOkResponse({ type: DeviceDetailDto, description: 'returns the device to the inventory' })
  detach(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.devices.detach(access, id);
  }
}
