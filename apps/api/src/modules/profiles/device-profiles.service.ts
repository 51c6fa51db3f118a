import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import type { AccessContext } from '../../core/access/access-context';
import { requireVisibleFilters } from '../../core/access/list-filters';
import { DatabaseService } from '../../core/database/database.service';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { describeUsage, requireRootRight } from '../definitions/definitions.service';
import {
  batteryIssue,
  mapDeviceProfileDetail,
  mapDeviceProfileRow,
  mapScenario,
  type CreateDeviceProfileDto,
  type CreateScenarioDto,
  type DeviceProfileDetail,
  type DeviceProfileRow,
  type IdentifierField,
  type ListDeviceProfilesQueryDto,
  type ScenarioView,
  type UpdateDeviceProfileDto,
  type UpdateScenarioDto,
} from './device-profiles.dto';
import { ProfileRulesService } from './profile-rules.service';
import { ProfilesRepository, scenarioInclude, type DeviceProfileWithDetail, type Tx } from './profiles.repository';
import { containsText } from '../../core/database/like';

const label = (p: { brand: { name: string }; modelCode: string }) => `device profile ${p.brand.name} ${p.modelCode}`;

@Injectable()
export class DeviceProfilesService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly rules: ProfileRulesService,
    private readonly audit: AuditService,
    private readonly database: DatabaseService,
  ) {}

  async list(access: AccessContext, q: ListDeviceProfilesQueryDto): Promise<Page<DeviceProfileRow>> {
    const and: Prisma.DeviceProfileWhereInput[] = [this.rules.visibleDeviceProfiles(access)];
    if (q.tenantId) and.push(this.rules.usableBy(access, q.tenantId));
    await requireVisibleFilters(this.database.db, access, access.tenantIds('PROFILES', 'read'), {
      deviceBrand: q.brandId,
      technology: q.technologyId,
      meterProfile: q.meterProfileId,
    });
    if (q.brandId) and.push({ brandId: q.brandId });
    if (q.communicationModule) and.push({ communicationModule: q.communicationModule });
    if (q.technologyId) and.push({ technologies: { some: { technologyId: q.technologyId } } });
    if (q.meterProfileId) and.push({ compatibleMeters: { some: { meterProfileId: q.meterProfileId } } });
    if (q.search) and.push({ OR: [{ modelCode: containsText(q.search) }, { brand: { name: containsText(q.search) } }] });
    const orderBy: Prisma.DeviceProfileOrderByWithRelationInput[] =
      q.sort === 'brand' ? [{ brand: { name: q.order } }, { modelCode: q.order }, { id: 'asc' }] : [{ [q.sort]: q.order }, { modelCode: 'asc' }, { id: 'asc' }];
    const { skip, take } = skipTake(q);
    const { items, total } = await this.profiles.pageDeviceProfiles({ AND: and }, orderBy, skip, take);
    return { items: items.map(mapDeviceProfileRow), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<DeviceProfileDetail> {
    return mapDeviceProfileDetail(await this.visible(access, id), (t) => access.canSee(t));
  }

  /** What the device form must ask for a device of this profile. */
  async fields(access: AccessContext, id: string): Promise<IdentifierField[]> {
    await this.visible(access, id);
    return this.rules.identifierFields(id);
  }

  async create(access: AccessContext, input: CreateDeviceProfileDto): Promise<DeviceProfileDetail> {
    const rootId = requireRootRight(access, 'PROFILES', 'create');
    await this.checkBrand(input.brandId);
    await this.assertModelFree(input.brandId, input.modelCode);
    await this.checkTechnologies(input.technologyIds);
    await this.checkCompatible(input.compatibleMeterProfileIds);
    await this.rules.checkAllowedTenants(access, rootId, input.allowedTenantIds, 'allowedTenantIds');
    const id = await this.profiles.prisma.$transaction(async (tx) => {
      const { technologyIds, compatibleMeterProfileIds, allowedTenantIds, ...fields } = input;
      const profile = await tx.deviceProfile.create({ data: fields });
      await tx.deviceProfileTechnology.createMany({ data: technologyIds.map((technologyId) => ({ deviceProfileId: profile.id, technologyId })) });
      await tx.meterProfileDeviceProfile.createMany({ data: compatibleMeterProfileIds.map((meterProfileId) => ({ meterProfileId, deviceProfileId: profile.id })) });
      await tx.tenantDeviceProfile.createMany({ data: allowedTenantIds.map((tenantId) => ({ tenantId, deviceProfileId: profile.id })) });
      await this.audit.record(access, { action: 'create', entityType: 'device_profile', entityId: profile.id, tenantId: rootId, after: input }, tx);
      return profile.id;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateDeviceProfileDto): Promise<DeviceProfileDetail> {
    await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    const before = (await this.profiles.findDeviceProfile({ id }, {}))!;
    const battery = batteryIssue({
      communicationModule: input.communicationModule ?? before.communicationModule,
      batteryLifeMonths: input.batteryLifeMonths !== undefined ? input.batteryLifeMonths : before.batteryLifeMonths,
    });
    if (battery) throw new BadInputException(`batteryLifeMonths: ${battery.message}`, [battery]);
    if (input.brandId !== undefined) await this.checkBrand(input.brandId);
    if (input.brandId !== undefined || input.modelCode !== undefined) await this.assertModelFree(input.brandId ?? before.brandId, input.modelCode ?? before.modelCode, id);
    if (input.technologyIds) await this.checkTechnologies(input.technologyIds);
    if (input.compatibleMeterProfileIds) await this.checkCompatible(input.compatibleMeterProfileIds);
    if (input.allowedTenantIds) await this.rules.checkAllowedTenants(access, rootId, input.allowedTenantIds, 'allowedTenantIds');

    const currentTechnologies = before.technologies.map((t) => t.technologyId);
    const currentMeters = before.compatibleMeters.map((c) => c.meterProfileId);
    const currentTenants = before.tenants.map((t) => t.tenantId);
    const removedTechnologies = input.technologyIds ? currentTechnologies.filter((t) => !input.technologyIds!.includes(t)) : [];
    const removedMeters = input.compatibleMeterProfileIds ? currentMeters.filter((m) => !input.compatibleMeterProfileIds!.includes(m)) : [];
    const removedTenants = input.allowedTenantIds ? currentTenants.filter((t) => !input.allowedTenantIds!.includes(t)) : [];
    await this.assertCanLose(before, removedTechnologies, removedMeters, removedTenants);

    await this.profiles.prisma.$transaction(async (tx) => {
      const { technologyIds, compatibleMeterProfileIds, allowedTenantIds, ...fields } = input;
      await tx.deviceProfile.update({ where: { id }, data: fields });
      if (technologyIds) {
        await tx.deviceProfileTechnology.deleteMany({ where: { deviceProfileId: id, technologyId: { notIn: technologyIds } } });
        const added = technologyIds.filter((t) => !currentTechnologies.includes(t));
        if (added.length) await tx.deviceProfileTechnology.createMany({ data: added.map((technologyId) => ({ deviceProfileId: id, technologyId })) });
      }
      if (compatibleMeterProfileIds) await this.setCompatible(tx, id, currentMeters, compatibleMeterProfileIds);
      if (allowedTenantIds) await this.setTenants(tx, id, currentTenants, allowedTenantIds);
      await this.audit.record(access, { action: 'update', entityType: 'device_profile', entityId: id, tenantId: rootId, before: snapshot(before), after: input }, tx);
    });
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    const profile = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'delete');
    const inUse = describeUsage(label(profile), { device: await this.profiles.countDevices({ deviceProfileId: id }) });
    if (inUse) throw new ConflictException(inUse);
    await this.profiles.prisma.$transaction(async (tx) => {
      // Technologies, scenarios, compatibility and tenant rows go with it (cascade).
      await tx.deviceProfile.delete({ where: { id } });
      await this.audit.record(access, { action: 'delete', entityType: 'device_profile', entityId: id, tenantId: rootId, before: snapshot(profile) }, tx);
    });
  }

  // ─── Message scenarios ────────────────────────────────────────────────────────

  async scenarios(access: AccessContext, id: string): Promise<ScenarioView[]> {
    await this.visible(access, id);
    return (await this.profiles.listScenarios(id)).map(mapScenario);
  }

  /** Scenarios are part of the shared profile: changing them is changing the profile. */
  async createScenario(access: AccessContext, id: string, input: CreateScenarioDto): Promise<ScenarioView> {
    const profile = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    this.checkScenarioTechnology(profile, input.technologyId);
    const scenario = await this.profiles.prisma.$transaction(async (tx) => {
      const created = await tx.messageScenario.create({ data: { ...input, deviceProfileId: id }, include: scenarioInclude });
      await this.audit.record(access, { action: 'create', entityType: 'message_scenario', entityId: created.id, tenantId: rootId, after: { deviceProfileId: id, ...input } }, tx);
      return created;
    });
    return mapScenario(scenario);
  }

  async updateScenario(access: AccessContext, id: string, scenarioId: string, input: UpdateScenarioDto): Promise<ScenarioView> {
    const profile = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    const before = await this.profiles.findScenario(id, scenarioId);
    if (!before) throw new EntityNotFoundException('message scenario', scenarioId);
    if (input.technologyId !== undefined) this.checkScenarioTechnology(profile, input.technologyId);
    const scenario = await this.profiles.prisma.$transaction(async (tx) => {
      // A new version tells the decoder cache to recompile.
      const updated = await tx.messageScenario.update({ where: { id: scenarioId }, data: { ...input, version: { increment: 1 } }, include: scenarioInclude });
      await this.audit.record(access, { action: 'update', entityType: 'message_scenario', entityId: scenarioId, tenantId: rootId, before: { ...before, technology: undefined }, after: input }, tx);
      return updated;
    });
    return mapScenario(scenario);
  }

  async removeScenario(access: AccessContext, id: string, scenarioId: string): Promise<void> {
    await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    const scenario = await this.profiles.findScenario(id, scenarioId);
    if (!scenario) throw new EntityNotFoundException('message scenario', scenarioId);
    await this.profiles.prisma.$transaction(async (tx) => {
      await tx.messageScenario.delete({ where: { id: scenarioId } });
      await this.audit.record(access, { action: 'delete', entityType: 'message_scenario', entityId: scenarioId, tenantId: rootId, before: { ...scenario, technology: undefined } }, tx);
    });
  }

  // ─── Rules ────────────────────────────────────────────────────────────────────

  private async visible(access: AccessContext, id: string): Promise<DeviceProfileWithDetail> {
    const profile = await this.profiles.findDeviceProfile({ AND: [{ id }, this.rules.visibleDeviceProfiles(access)] }, this.rules.visibleMeterProfiles(access));
    if (!profile) throw new EntityNotFoundException('device profile', id);
    return profile;
  }

  private checkScenarioTechnology(profile: DeviceProfileWithDetail, technologyId: string): void {
    if (!profile.technologies.some((t) => t.technologyId === technologyId)) {
      throw new BadInputException(`technologyId: ${label(profile)} does not use this technology`, [{ path: ['technologyId'], message: 'not one of the profile’s technologies' }]);
    }
  }

  private async checkBrand(brandId: string): Promise<void> {
    if (!(await this.profiles.deviceBrandExists(brandId))) throw new BadInputException('brandId: no such device brand', [{ path: ['brandId'], message: 'no such device brand' }]);
  }

  private async assertModelFree(brandId: string, modelCode: string, exceptId?: string): Promise<void> {
    const other = await this.profiles.findDeviceProfileByModel(brandId, modelCode, exceptId);
    if (other) throw new ConflictException(`${label(other)} already exists`, [{ path: ['modelCode'], message: 'already exists for this brand' }]);
  }

  private async checkTechnologies(technologyIds: string[]): Promise<void> {
    const existing = new Set((await this.profiles.findTechnologies(technologyIds)).map((t) => t.id));
    const bad = technologyIds.findIndex((t) => !existing.has(t));
    if (bad >= 0) throw new BadInputException(`technologyIds.${bad}: no such communication technology`, [{ path: ['technologyIds', bad], message: 'no such communication technology' }]);
  }

  private async checkCompatible(meterProfileIds: string[]): Promise<void> {
    const existing = await this.profiles.existingMeterProfileIds(meterProfileIds);
    const bad = meterProfileIds.findIndex((m) => !existing.has(m));
    if (bad >= 0) throw new BadInputException(`compatibleMeterProfileIds.${bad}: no such meter profile`, [{ path: ['compatibleMeterProfileIds', bad], message: 'no such meter profile' }]);
  }

  /** Refuses to break what is installed or configured. */
  private async assertCanLose(profile: DeviceProfileWithDetail, removedTechnologies: string[], removedMeters: string[], removedTenants: string[]): Promise<void> {
    for (const technologyId of removedTechnologies) {
      const name = profile.technologies.find((t) => t.technologyId === technologyId)?.technology.name ?? technologyId;
      const inUse = describeUsage(`${name} of ${label(profile)}`, {
        'message scenario': await this.profiles.countScenarios({ deviceProfileId: profile.id, technologyId }),
        'device identifier': await this.profiles.countIdentifiers(profile.id, [technologyId]),
      });
      if (inUse) throw new ConflictException(inUse, [{ path: ['technologyIds'], message: `${name} is still in use` }]);
    }
    const attached = await this.profiles.countAttached(removedMeters, [profile.id]);
    if (attached) {
      throw new ConflictException(`${attached} device${attached === 1 ? ' is' : 's are'} of ${label(profile)} attached to meters of a meter profile being removed from its compatible list`, [
        { path: ['compatibleMeterProfileIds'], message: 'in use by attached devices' },
      ]);
    }
    for (const tenantId of removedTenants) {
      const devices = await this.profiles.countDevices({ deviceProfileId: profile.id, tenantId });
      if (devices) {
        const name = profile.tenants.find((t) => t.tenantId === tenantId)?.tenant.name ?? tenantId;
        throw new ConflictException(`${devices} device${devices === 1 ? '' : 's'} of ${name} still use${devices === 1 ? 's' : ''} ${label(profile)}`, [
          { path: ['allowedTenantIds'], message: `${name} still uses it` },
        ]);
      }
    }
  }

  private async setCompatible(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    await tx.meterProfileDeviceProfile.deleteMany({ where: { deviceProfileId: id, meterProfileId: { notIn: wanted } } });
    const added = wanted.filter((m) => !current.includes(m));
    if (added.length) await tx.meterProfileDeviceProfile.createMany({ data: added.map((meterProfileId) => ({ meterProfileId, deviceProfileId: id })) });
  }

  private async setTenants(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    await tx.tenantDeviceProfile.deleteMany({ where: { deviceProfileId: id, tenantId: { notIn: wanted } } });
    const added = wanted.filter((t) => !current.includes(t));
    if (added.length) await tx.tenantDeviceProfile.createMany({ data: added.map((tenantId) => ({ tenantId, deviceProfileId: id })) });
  }
}

function snapshot(p: DeviceProfileWithDetail) {
  const { brand, technologies, compatibleMeters, tenants, scenarios, _count, ...rest } = p;
  return {
    ...rest,
    brand: brand.name,
    technologyIds: technologies.map((t) => t.technologyId),
    compatibleMeterProfileIds: compatibleMeters.map((c) => c.meterProfileId),
    allowedTenantIds: tenants.map((t) => t.tenantId),
    scenarioIds: scenarios.map((s) => s.id),
  };
}
