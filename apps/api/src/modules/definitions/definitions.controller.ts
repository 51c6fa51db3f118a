import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AccessContext } from '../../core/access/access-context';
import { Access, Auth, Authenticated } from '../../core/auth/access.decorator';
import { UuidPipe } from '../../core/http/id-param.pipe';
import {
  BrandDto,
  BrandPageDto,
  CreateBrandDto,
  CreateIpRatingDto,
  CreateSubscriptionGroupDto,
  CreateTechnologyDto,
  CreateTechnologyFieldDto,
  EnumsDto,
  IpRatingDto,
  IpRatingPageDto,
  ListBrandsQueryDto,
  ListIpRatingsQueryDto,
  ListSubscriptionGroupsQueryDto,
  ListTechnologiesQueryDto,
  SubscriptionGroupDto,
  SubscriptionGroupPageDto,
  TechnologyDto,
  TechnologyFieldDto,
  TechnologyPageDto,
  UpdateBrandDto,
  UpdateIpRatingDto,
  UpdateSubscriptionGroupDto,
  UpdateTechnologyDto,
  UpdateTechnologyFieldDto,
} from './definitions.dto';
import { DefinitionsService } from './definitions.service';

/**
 * Global definition lists. Reading them is open to every signed-in user (forms need them and they
 * hold nothing of any tenant); changing them needs the DEFINITIONS right at the root tenant.
 */
@ApiTags('definitions')
@Controller('definitions')
export class DefinitionsController {
  constructor(private readonly definitions: DefinitionsService) {}

  @Authenticated()
  @Get('enums')
  @ApiOkResponse({ type: EnumsDto, description: 'the fixed lists of the brief, as codes' })
  enums() {
    return this.definitions.enums();
  }

  // ─── Meter brands ─────────────────────────────────────────────────────────────

  @Authenticated()
  @Get('meter-brands')
  @ApiOkResponse({ type: BrandPageDto })
  listMeterBrands(@Query() query: ListBrandsQueryDto) {
    return this.definitions.listBrands('meter', query);
  }

  @Authenticated()
  @Get('meter-brands/:id')
  @ApiOkResponse({ type: BrandDto })
  meterBrand(@Param('id', UuidPipe) id: string) {
    return this.definitions.brand('meter', id);
  }

  @Access('DEFINITIONS', 'create')
  @Post('meter-brands')
  @ApiCreatedResponse({ type: BrandDto })
  createMeterBrand(@Auth() access: AccessContext, @Body() body: CreateBrandDto) {
    return this.definitions.createBrand(access, 'meter', body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('meter-brands/:id')
  @ApiOkResponse({ type: BrandDto })
  updateMeterBrand(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateBrandDto) {
    return this.definitions.updateBrand(access, 'meter', id, body);
  }

  @Access('DEFINITIONS', 'delete')
  @Delete('meter-brands/:id')
  @HttpCode(204)
  async removeMeterBrand(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.definitions.removeBrand(access, 'meter', id);
  }

  // ─── Device brands ────────────────────────────────────────────────────────────

  @Authenticated()
  @Get('device-brands')
  @ApiOkResponse({ type: BrandPageDto })
  listDeviceBrands(@Query() query: ListBrandsQueryDto) {
    return this.definitions.listBrands('device', query);
  }

  @Authenticated()
  @Get('device-brands/:id')
  @ApiOkResponse({ type: BrandDto })
  deviceBrand(@Param('id', UuidPipe) id: string) {
    return this.definitions.brand('device', id);
  }

  @Access('DEFINITIONS', 'create')
  @Post('device-brands')
  @ApiCreatedResponse({ type: BrandDto })
  createDeviceBrand(@Auth() access: AccessContext, @Body() body: CreateBrandDto) {
    return this.definitions.createBrand(access, 'device', body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('device-brands/:id')
  @ApiOkResponse({ type: BrandDto })
  updateDeviceBrand(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateBrandDto) {
    return this.definitions.updateBrand(access, 'device', id, body);
  }

  @Access('DEFINITIONS', 'delete')
  @Delete('device-brands/:id')
  @HttpCode(204)
  async removeDeviceBrand(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.definitions.removeBrand(access, 'device', id);
  }

  // ─── IP ratings ───────────────────────────────────────────────────────────────

  @Authenticated()
  @Get('ip-ratings')
  @ApiOkResponse({ type: IpRatingPageDto })
  listIpRatings(@Query() query: ListIpRatingsQueryDto) {
    return this.definitions.listIpRatings(query);
  }

  @Authenticated()
  @Get('ip-ratings/:id')
  @ApiOkResponse({ type: IpRatingDto })
  ipRating(@Param('id', UuidPipe) id: string) {
    return this.definitions.ipRating(id);
  }

  @Access('DEFINITIONS', 'create')
  @Post('ip-ratings')
  @ApiCreatedResponse({ type: IpRatingDto })
  createIpRating(@Auth() access: AccessContext, @Body() body: CreateIpRatingDto) {
    return this.definitions.createIpRating(access, body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('ip-ratings/:id')
  @ApiOkResponse({ type: IpRatingDto })
  updateIpRating(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateIpRatingDto) {
    return this.definitions.updateIpRating(access, id, body);
  }

  @Access('DEFINITIONS', 'delete')
  @Delete('ip-ratings/:id')
  @HttpCode(204)
  async removeIpRating(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.definitions.removeIpRating(access, id);
  }

  // ─── Subscription groups ──────────────────────────────────────────────────────

  @Authenticated()
  @Get('subscription-groups')
  @ApiOkResponse({ type: SubscriptionGroupPageDto })
  listSubscriptionGroups(@Query() query: ListSubscriptionGroupsQueryDto) {
    return this.definitions.listSubscriptionGroups(query);
  }

  @Authenticated()
  @Get('subscription-groups/:id')
  @ApiOkResponse({ type: SubscriptionGroupDto })
  subscriptionGroup(@Param('id', UuidPipe) id: string) {
    return this.definitions.subscriptionGroup(id);
  }

  @Access('DEFINITIONS', 'create')
  @Post('subscription-groups')
  @ApiCreatedResponse({ type: SubscriptionGroupDto })
  createSubscriptionGroup(@Auth() access: AccessContext, @Body() body: CreateSubscriptionGroupDto) {
    return this.definitions.createSubscriptionGroup(access, body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('subscription-groups/:id')
  @ApiOkResponse({ type: SubscriptionGroupDto })
  updateSubscriptionGroup(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateSubscriptionGroupDto) {
    return this.definitions.updateSubscriptionGroup(access, id, body);
  }

  @Access('DEFINITIONS', 'delete')
  @Delete('subscription-groups/:id')
  @HttpCode(204)
  async removeSubscriptionGroup(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.definitions.removeSubscriptionGroup(access, id);
  }

  // ─── Communication technologies and their identifier fields ──────────────────

  @Authenticated()
  @Get('technologies')
  @ApiOkResponse({ type: TechnologyPageDto })
  listTechnologies(@Query() query: ListTechnologiesQueryDto) {
    return this.definitions.listTechnologies(query);
  }

  @Authenticated()
  @Get('technologies/:id')
  @ApiOkResponse({ type: TechnologyDto })
  technology(@Param('id', UuidPipe) id: string) {
    return this.definitions.technology(id);
  }

  @Access('DEFINITIONS', 'create')
  @Post('technologies')
  @ApiCreatedResponse({ type: TechnologyDto })
  createTechnology(@Auth() access: AccessContext, @Body() body: CreateTechnologyDto) {
    return this.definitions.createTechnology(access, body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('technologies/:id')
  @ApiOkResponse({ type: TechnologyDto })
  updateTechnology(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: UpdateTechnologyDto) {
    return this.definitions.updateTechnology(access, id, body);
  }

  @Access('DEFINITIONS', 'delete')
  @Delete('technologies/:id')
  @HttpCode(204)
  async removeTechnology(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.definitions.removeTechnology(access, id);
  }

  @Access('DEFINITIONS', 'update')
  @Post('technologies/:id/fields')
  @ApiCreatedResponse({ type: TechnologyFieldDto })
  createField(@Auth() access: AccessContext, @Param('id', UuidPipe) id: string, @Body() body: CreateTechnologyFieldDto) {
    return this.definitions.createField(access, id, body);
  }

  @Access('DEFINITIONS', 'update')
  @Patch('technologies/:id/fields/:fieldId')
  @ApiOkResponse({ type: TechnologyFieldDto })
  updateField(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('fieldId', UuidPipe) fieldId: string,
    @Body() body: UpdateTechnologyFieldDto,
  ) {
    return this.definitions.updateField(access, id, fieldId, body);
  }

  @Access('DEFINITIONS', 'update')
  @Delete('technologies/:id/fields/:fieldId')
  @HttpCode(204)
  async removeField(
    @Auth() access: AccessContext,
    @Param('id', UuidPipe) id: string,
    @Param('fieldId', UuidPipe) fieldId: string,
  ): Promise<void> {
    await this.definitions.removeField(access, id, fieldId);
  }
}
