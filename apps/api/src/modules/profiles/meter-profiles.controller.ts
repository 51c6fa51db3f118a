import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CreateMeterProfileDto,
  ListMeterProfilesQueryDto,
  MeterProfileDetailDto,
  MeterProfilePageDto,
  UpdateMeterProfileDto,
} from './meter-profiles.dto';
import { MeterProfilesService } from './meter-profiles.service';

/** Meter profiles (brief 2.7.1): shared catalogue entries, changed only with rights at the root tenant. */
@ApiTags('profiles')
@Controller('meter-profiles')
export class MeterProfilesController {
  constructor(private readonly meterProfiles: MeterProfilesService) {}

  @Access('PROFILES', 'read')
  @Get()
  @ApiOkResponse({ type: MeterProfilePageDto, description: 'the profiles usable by the tenants where the caller reads profiles' })
  list(@Auth() access: AccessContext, @Query() query: ListMeterProfilesQueryDto) {
    return this.meterProfiles.list(access, query);
  }

  @Access('PROFILES', 'read')
  @Get(':id')
  @ApiOkResponse({ type: MeterProfileDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.meterProfiles.detail(access, id);
  }

  @Access('PROFILES', 'create')
  @Post()
  @ApiCreatedResponse({ type: MeterProfileDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateMeterProfileDto) {
    return this.meterProfiles.create(access, body);
  }

  @Access('PROFILES', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: MeterProfileDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateMeterProfileDto) {
    return this.meterProfiles.update(access, id, body);
  }

  @Access('PROFILES', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.meterProfiles.remove(access, id);
  }
}
