import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CreateMeterDto,
  ListMetersQueryDto,
  MeterBrandListDto,
  MeterBrandsQueryDto,
  MeterDetailDto,
  MeterPageDto,
  UpdateMeterDto,
} from './meters.dto';
import { MetersService } from './meters.service';

@ApiTags('meters')
@Controller('meters')
export class MetersController {
  constructor(private readonly meters: MetersService) {}

  @Access('METERS', 'read')
  @Get()
  @ApiOkResponse({ type: MeterPageDto })
  list(@Auth() access: AccessContext, @Query() query: ListMetersQueryDto) {
    return this.meters.list(access, query);
  }

  // Before ':id', which would take "brands" for an id.
  @Access('METERS', 'read')
  @Get('brands')
  @ApiOkResponse({ type: MeterBrandListDto })
  brands(@Auth() access: AccessContext, @Query() query: MeterBrandsQueryDto) {
    return this.meters.brands(access, query);
  }

  @Access('METERS', 'read')
  @Get(':id')
  @ApiOkResponse({ type: MeterDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.meters.detail(access, id);
  }

  @Access('METERS', 'create')
  @Post()
  @ApiCreatedResponse({ type: MeterDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateMeterDto) {
    return this.meters.create(access, body);
  }

  @Access('METERS', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: MeterDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateMeterDto) {
    return this.meters.update(access, id, body);
  }

  @Access('METERS', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.meters.remove(access, id);
  }
}
