import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork } from '../../core/database/unit-of-work';
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
import { ProfilesRepository, type DeviceProfileWithDetail } from './profiles.repository';

const label = (p: { brand: { name: string }; modelCode: string }) => `device profile ${p.brand.name} ${p.modelCode}`;

@Injectable()
export class DeviceProfilesService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly rules: ProfileRulesService,
    private readonly audit: AuditService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListDeviceProfilesQueryDto): Promise<Page<DeviceProfileRow>> {
    const scope = this.rules.visibleScope(access);
    const usableBy = q.tenantId ? this.rules.usableBy(access, q.tenantId) : undefined;
    await this.listFilters.requireVisible(access, access.tenantIds('PROFILES', 'read'), {
      deviceBrand: q.brandId,
      technology: q.technologyId,
      meterProfile: q.meterProfileId,
    });
    const { skip, take } = skipTake(q);
    const { items, total } = await this.profiles.pageDeviceProfiles(scope, usableBy, q, skip, take);
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
    const id = await this.unitOfWork.run(async (tx) => {
      const { technologyIds, compatibleMeterProfileIds, allowedTenantIds, ...fields } = input;
      const profileId = await this.profiles.createDeviceProfile(tx, fields, { technologyIds, compatibleMeterProfileIds, allowedTenantIds });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'device_profile', entityId: profileId, tenantId: rootId, after: input },
        tx,
      );
      return profileId;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateDeviceProfileDto): Promise<DeviceProfileDetail> {
    await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    const before = (await this.profiles.findDeviceProfile(id, null))!;
    const battery = batteryIssue({
      communicationModule: input.communicationModule ?? before.communicationModule,
      batteryLifeMonths: input.batteryLifeMonths !== undefined ? input.batteryLifeMonths : before.batteryLifeMonths,
    });
    if (battery) throw new BadInputException(`batteryLifeMonths: ${battery.message}`, [battery]);
    if (input.brandId !== undefined) await this.checkBrand(input.brandId);
    if (input.brandId !== undefined || input.modelCode !== undefined)
      await this.assertModelFree(input.brandId ?? before.brandId, input.modelCode ?? before.modelCode, id);
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

    await this.unitOfWork.run(async (tx) => {
      const { technologyIds, compatibleMeterProfileIds, allowedTenantIds, ...fields } = input;
      await this.profiles.updateDeviceProfile(tx, id, fields);
      if (technologyIds) await this.profiles.setDeviceProfileTechnologies(tx, id, currentTechnologies, technologyIds);
      if (compatibleMeterProfileIds) await this.profiles.setDeviceProfileMeters(tx, id, currentMeters, compatibleMeterProfileIds);
      if (allowedTenantIds) await this.profiles.setDeviceProfileTenants(tx, id, currentTenants, allowedTenantIds);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'device_profile', entityId: id, tenantId: rootId, before: snapshot(before), after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    const profile = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'delete');
    const inUse = describeUsage(label(profile), { device: await this.profiles.countDevices({ deviceProfileId: id }) });
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.profiles.deleteDeviceProfile(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'device_profile', entityId: id, tenantId: rootId, before: snapshot(profile) },
        tx,
      );
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
    const scenario = await this.unitOfWork.run(async (tx) => {
      const created = await this.profiles.createScenario(tx, id, input);
      await this.audit.record(
        access,
        {
          action: 'create',
          entityType: 'message_scenario',
          entityId: created.id,
          tenantId: rootId,
          after: { deviceProfileId: id, ...input },
        },
        tx,
      );
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
    const scenario = await this.unitOfWork.run(async (tx) => {
      const updated = await this.profiles.updateScenario(tx, scenarioId, input);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'message_scenario',
          entityId: scenarioId,
          tenantId: rootId,
          before: { ...before, technology: undefined },
          after: input,
        },
        tx,
      );
      return updated;
    });
    return mapScenario(scenario);
  }

  async removeScenario(access: AccessContext, id: string, scenarioId: string): Promise<void> {
    await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    const scenario = await this.profiles.findScenario(id, scenarioId);
    if (!scenario) throw new EntityNotFoundException('message scenario', scenarioId);
    await this.unitOfWork.run(async (tx) => {
      await this.profiles.deleteScenario(tx, scenarioId);
      await this.audit.record(
        access,
        {
          action: 'delete',
          entityType: 'message_scenario',
          entityId: scenarioId,
          tenantId: rootId,
          before: { ...scenario, technology: undefined },
        },
        tx,
      );
    });
  }

  /**
   * The decoder and port of a scenario for the console's test panel: visible like its profile (to the
   * root's profile readers, or to readers of a tenant the profile is allowed to), 404 otherwise.
   */
  async scenarioDecoder(access: AccessContext, id: string, scenarioId: string): Promise<{ decoderSource: string; fPort: number | null }> {
    const scenario = await this.profiles.findScenarioDecoder(id, scenarioId, this.rules.visibleScope(access));
    if (!scenario) throw new EntityNotFoundException('message scenario', scenarioId);
    return scenario;
  }

  // ─── Rules ────────────────────────────────────────────────────────────────────

  private async visible(access: AccessContext, id: string): Promise<DeviceProfileWithDetail> {
    const profile = await this.profiles.findDeviceProfile(id, this.rules.visibleScope(access));
    if (!profile) throw new EntityNotFoundException('device profile', id);
    return profile;
  }

  private checkScenarioTechnology(profile: DeviceProfileWithDetail, technologyId: string): void {
    if (!profile.technologies.some((t) => t.technologyId === technologyId)) {
      throw new BadInputException(`technologyId: ${label(profile)} does not use this technology`, [
        { path: ['technologyId'], message: 'not one of the profile’s technologies' },
      ]);
    }
  }

  private async checkBrand(brandId: string): Promise<void> {
    if (!(await this.profiles.deviceBrandExists(brandId)))
      throw new BadInputException('brandId: no such device brand', [{ path: ['brandId'], message: 'no such device brand' }]);
  }

  private async assertModelFree(brandId: string, modelCode: string, exceptId?: string): Promise<void> {
    const other = await this.profiles.findDeviceProfileByModel(brandId, modelCode, exceptId);
    if (other) throw ConflictException.alreadyExists(`${label(other)} already exists`, ['modelCode'], 'already exists for this brand');
  }

  private async checkTechnologies(technologyIds: string[]): Promise<void> {
    const existing = new Set((await this.profiles.findTechnologies(technologyIds)).map((t) => t.id));
    const bad = technologyIds.findIndex((t) => !existing.has(t));
    if (bad >= 0)
      throw new BadInputException(`technologyIds.${bad}: no such communication technology`, [
        { path: ['technologyIds', bad], message: 'no such communication technology' },
      ]);
  }

  private async checkCompatible(meterProfileIds: string[]): Promise<void> {
    const existing = await this.profiles.existingMeterProfileIds(meterProfileIds);
    const bad = meterProfileIds.findIndex((m) => !existing.has(m));
    if (bad >= 0)
      throw new BadInputException(`compatibleMeterProfileIds.${bad}: no such meter profile`, [
        { path: ['compatibleMeterProfileIds', bad], message: 'no such meter profile' },
      ]);
  }

  /** Refuses to break what is installed or configured. */
  private async assertCanLose(
    profile: DeviceProfileWithDetail,
    removedTechnologies: string[],
    removedMeters: string[],
    removedTenants: string[],
  ): Promise<void> {
    for (const technologyId of removedTechnologies) {
      const name = profile.technologies.find((t) => t.technologyId === technologyId)?.technology.name ?? technologyId;
      const inUse = describeUsage(`${name} of ${label(profile)}`, {
        messageScenario: await this.profiles.countScenarios({ deviceProfileId: profile.id, technologyId }),
        deviceIdentifier: await this.profiles.countIdentifiers(profile.id, [technologyId]),
      });
      if (inUse)
        throw new ConflictException(
          inUse.message,
          [{ path: ['technologyIds'], message: `${name} is still in use`, ...inUse.reason }],
          inUse.reason,
        );
    }
    const attached = await this.profiles.countAttached(removedMeters, [profile.id]);
    if (attached) {
      throw new ConflictException(
        `${attached} device${attached === 1 ? ' is' : 's are'} of ${label(profile)} attached to meters of a meter profile being removed from its compatible list`,
        [{ path: ['compatibleMeterProfileIds'], message: 'in use by attached devices' }],
        { code: 'inUse', params: { device: attached } },
      );
    }
    for (const tenantId of removedTenants) {
      const devices = await this.profiles.countDevices({ deviceProfileId: profile.id, tenantId });
      if (devices) {
        const name = profile.tenants.find((t) => t.tenantId === tenantId)?.tenant.name ?? tenantId;
        throw new ConflictException(
          `${devices} device${devices === 1 ? '' : 's'} of ${name} still use${devices === 1 ? 's' : ''} ${label(profile)}`,
          [{ path: ['allowedTenantIds'], message: `${name} still uses it` }],
          { code: 'inUse', params: { device: devices } },
        );
      }
    }
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
