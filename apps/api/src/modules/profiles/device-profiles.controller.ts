import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  CreateDeviceProfileDto,
  CreateScenarioDto,
  DeviceProfileDetailDto,
  DeviceProfilePageDto,
  IdentifierFieldListDto,
  ListDeviceProfilesQueryDto,
  ScenarioDto,
  ScenarioListDto,
  UpdateDeviceProfileDto,
  UpdateScenarioDto,
} from './device-profiles.dto';
import { DeviceProfilesService } from './device-profiles.service';

/** Device profiles (brief 2.7.2) with their message scenarios: shared catalogue entries, changed only with rights at the root tenant. */
@ApiTags('profiles')
@Controller('device-profiles')
export class DeviceProfilesController {
  constructor(private readonly deviceProfiles: DeviceProfilesService) {}

  @Access('PROFILES', 'read')
  @Get()
  @ApiOkResponse({ type: DeviceProfilePageDto, description: 'the profiles usable by the tenants where the caller reads profiles' })
  list(@Auth() access: AccessContext, @Query() query: ListDeviceProfilesQueryDto) {
    return this.deviceProfiles.list(access, query);
  }

  @Access('PROFILES', 'read')
  @Get(':id')
  @ApiOkResponse({ type: DeviceProfileDetailDto })
  detail(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.deviceProfiles.detail(access, id);
  }

  @Access('PROFILES', 'read')
  @Get(':id/fields')
  @ApiOkResponse({ type: IdentifierFieldListDto, description: 'the identifier fields the device form renders for this profile' })
  fields(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.deviceProfiles.fields(access, id);
  }

  @Access('PROFILES', 'create')
  @Post()
  @ApiCreatedResponse({ type: DeviceProfileDetailDto })
  create(@Auth() access: AccessContext, @Body() body: CreateDeviceProfileDto) {
    return this.deviceProfiles.create(access, body);
  }

  @Access('PROFILES', 'update')
  @Patch(':id')
  @ApiOkResponse({ type: DeviceProfileDetailDto })
  update(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateDeviceProfileDto) {
    return this.deviceProfiles.update(access, id, body);
  }

  @Access('PROFILES', 'delete')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.deviceProfiles.remove(access, id);
  }

  @Access('PROFILES', 'read')
  @Get(':id/scenarios')
  @ApiOkResponse({ type: ScenarioListDto })
  scenarios(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string) {
    return this.deviceProfiles.scenarios(access, id);
  }

  @Access('PROFILES', 'update')
  @Post(':id/scenarios')
  @ApiCreatedResponse({ type: ScenarioDto })
  createScenario(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: CreateScenarioDto) {
    return this.deviceProfiles.createScenario(access, id, body);
  }

  @Access('PROFILES', 'update')
  @Patch(':id/scenarios/:scenarioId')
  @ApiOkResponse({ type: ScenarioDto })
  updateScenario(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('scenarioId', UuidPipe) scenarioId: string,
    @Body() body: UpdateScenarioDto,
  ) {
    return this.deviceProfiles.updateScenario(access, id, scenarioId, body);
  }

  @Access('PROFILES', 'update')
  @Delete(':id/scenarios/:scenarioId')
  @HttpCode(204)
  async removeScenario(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('scenarioId', UuidPipe) scenarioId: string,
  ): Promise<void> {
    await this.deviceProfiles.removeScenario(access, id, scenarioId);
  }
}
