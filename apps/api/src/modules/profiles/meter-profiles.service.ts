import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { toNumber } from '../definitions/definitions.dto';
import { describeUsage, requireRootRight } from '../definitions/definitions.service';
import {
  flowOrderIssue,
  mapMeterProfileDetail,
  mapMeterProfileRow,
  type CreateMeterProfileDto,
  type ListMeterProfilesQueryDto,
  type MeterProfileDetail,
  type MeterProfileRow,
  type UpdateMeterProfileDto,
} from './meter-profiles.dto';
import { ProfileRulesService } from './profile-rules.service';
import { ProfilesRepository, type MeterProfileWithDetail } from './profiles.repository';

const label = (p: { brand: { name: string }; modelCode: string }) => `meter profile ${p.brand.name} ${p.modelCode}`;

@Injectable()
export class MeterProfilesService {
  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly rules: ProfileRulesService,
    private readonly audit: AuditService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListMeterProfilesQueryDto): Promise<Page<MeterProfileRow>> {
    const scope = this.rules.visibleScope(access);
    const usableBy = q.tenantId ? this.rules.usableBy(access, q.tenantId) : undefined;
    await this.listFilters.requireVisible(access, access.tenantIds('PROFILES', 'read'), {
      meterBrand: q.brandId,
      deviceProfile: q.deviceProfileId,
    });
    const { skip, take } = skipTake(q);
    const { items, total } = await this.profiles.pageMeterProfiles(scope, usableBy, q, skip, take);
    return { items: items.map(mapMeterProfileRow), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<MeterProfileDetail> {
    return mapMeterProfileDetail(await this.visible(access, id), (t) => access.canSee(t));
  }

  async create(access: AccessContext, input: CreateMeterProfileDto): Promise<MeterProfileDetail> {
    const rootId = requireRootRight(access, 'PROFILES', 'create');
    await this.checkReferences(input);
    await this.assertModelFree(input.brandId, input.modelCode);
    await this.checkCompatible(input.compatibleDeviceProfileIds);
    await this.rules.checkAllowedTenants(access, rootId, input.allowedTenantIds, 'allowedTenantIds');
    const id = await this.unitOfWork.run(async (tx) => {
      const { compatibleDeviceProfileIds, allowedTenantIds, rValue, ...fields } = input;
      // Without a hand-entered R the database computes Q3/Q1 (trigger).
      const profileId = await this.profiles.createMeterProfile(
        tx,
        { ...fields, ...(rValue !== null ? { rValue, rValueManual: true } : { rValueManual: false }) },
        compatibleDeviceProfileIds,
        allowedTenantIds,
      );
      await this.audit.record(
        access,
        { action: 'create', entityType: 'meter_profile', entityId: profileId, tenantId: rootId, after: input },
        tx,
      );
      return profileId;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateMeterProfileDto): Promise<MeterProfileDetail> {
    const before = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'update');
    await this.checkReferences(input);
    // The rates not given keep their stored values; the order must hold for the result.
    const rates = {
      q1: input.q1 ?? toNumber(before.q1),
      q2: input.q2 ?? toNumber(before.q2),
      q3: input.q3 ?? toNumber(before.q3),
      q4: input.q4 ?? toNumber(before.q4),
    };
    const issue = flowOrderIssue(rates, new Set(Object.keys(input)));
    if (issue) throw new BadInputException(`${issue.path[0]}: ${issue.message}`, [issue]);
    if (input.brandId !== undefined || input.modelCode !== undefined)
      await this.assertModelFree(input.brandId ?? before.brandId, input.modelCode ?? before.modelCode, id);
    if (input.compatibleDeviceProfileIds) await this.checkCompatible(input.compatibleDeviceProfileIds);
    if (input.allowedTenantIds) await this.rules.checkAllowedTenants(access, rootId, input.allowedTenantIds, 'allowedTenantIds');

    const full = await this.profiles.findMeterProfile(id, null);
    const currentDevices = full!.compatibleDevices.map((c) => c.deviceProfileId);
    const currentTenants = full!.tenants.map((t) => t.tenantId);
    const removedDevices = input.compatibleDeviceProfileIds
      ? currentDevices.filter((d) => !input.compatibleDeviceProfileIds!.includes(d))
      : [];
    const removedTenants = input.allowedTenantIds ? currentTenants.filter((t) => !input.allowedTenantIds!.includes(t)) : [];
    await this.assertCanLose(full!, removedDevices, removedTenants);

    await this.unitOfWork.run(async (tx) => {
      const { compatibleDeviceProfileIds, allowedTenantIds, rValue, ...fields } = input;
      const r = rValue === undefined ? {} : rValue === null ? { rValueManual: false } : { rValue, rValueManual: true };
      await this.profiles.updateMeterProfile(tx, id, { ...fields, ...r });
      if (compatibleDeviceProfileIds) await this.profiles.setMeterProfileDevices(tx, id, currentDevices, compatibleDeviceProfileIds);
      if (allowedTenantIds) await this.profiles.setMeterProfileTenants(tx, id, currentTenants, allowedTenantIds);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'meter_profile', entityId: id, tenantId: rootId, before: snapshot(full!), after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    const profile = await this.visible(access, id);
    const rootId = requireRootRight(access, 'PROFILES', 'delete');
    const inUse = describeUsage(label(profile), { meter: await this.profiles.countMeters({ meterProfileId: id }) });
    if (inUse) throw new ConflictException(inUse.message, [], inUse.reason);
    await this.unitOfWork.run(async (tx) => {
      await this.profiles.deleteMeterProfile(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'meter_profile', entityId: id, tenantId: rootId, before: snapshot(profile) },
        tx,
      );
    });
  }

  /** 404 for a profile the caller cannot see, whatever they meant to do with it. */
  private async visible(access: AccessContext, id: string): Promise<MeterProfileWithDetail> {
    const profile = await this.profiles.findMeterProfile(id, this.rules.visibleScope(access));
    if (!profile) throw new EntityNotFoundException('meter profile', id);
    return profile;
  }

  private async checkReferences(input: { brandId?: string; ipRatingId?: string }): Promise<void> {
    if (input.brandId !== undefined && !(await this.profiles.meterBrandExists(input.brandId))) {
      throw new BadInputException('brandId: no such meter brand', [{ path: ['brandId'], message: 'no such meter brand' }]);
    }
    if (input.ipRatingId !== undefined && !(await this.profiles.ipRatingExists(input.ipRatingId))) {
      throw new BadInputException('ipRatingId: no such IP rating', [{ path: ['ipRatingId'], message: 'no such IP rating' }]);
    }
  }

  private async assertModelFree(brandId: string, modelCode: string, exceptId?: string): Promise<void> {
    const other = await this.profiles.findMeterProfileByModel(brandId, modelCode, exceptId);
    if (other) throw ConflictException.alreadyExists(`${label(other)} already exists`, ['modelCode'], 'already exists for this brand');
  }

  private async checkCompatible(deviceProfileIds: string[]): Promise<void> {
    const existing = await this.profiles.existingDeviceProfileIds(deviceProfileIds);
    const bad = deviceProfileIds.findIndex((d) => !existing.has(d));
    if (bad >= 0)
      throw new BadInputException(`compatibleDeviceProfileIds.${bad}: no such device profile`, [
        { path: ['compatibleDeviceProfileIds', bad], message: 'no such device profile' },
      ]);
  }

  /** Refuses to break what is installed: attached devices stay compatible, tenants keep the profiles their meters use. */
  private async assertCanLose(profile: MeterProfileWithDetail, removedDevices: string[], removedTenants: string[]): Promise<void> {
    const attached = await this.profiles.countAttached([profile.id], removedDevices);
    if (attached) {
      throw new ConflictException(
        `${attached} device${attached === 1 ? ' is' : 's are'} attached to meters of ${label(profile)} with a device profile being removed from its compatible list`,
        [{ path: ['compatibleDeviceProfileIds'], message: 'in use by attached devices' }],
        { code: 'inUse', params: { device: attached } },
      );
    }
    for (const tenantId of removedTenants) {
      const meters = await this.profiles.countMeters({ meterProfileId: profile.id, tenantId });
      if (meters) {
        const name = profile.tenants.find((t) => t.tenantId === tenantId)?.tenant.name ?? tenantId;
        throw new ConflictException(
          `${meters} meter${meters === 1 ? '' : 's'} of ${name} still use${meters === 1 ? 's' : ''} ${label(profile)}`,
          [{ path: ['allowedTenantIds'], message: `${name} still uses it` }],
          { code: 'inUse', params: { meter: meters } },
        );
      }
    }
  }
}

function snapshot(p: MeterProfileWithDetail) {
  const { brand, ipRating, compatibleDevices, tenants, ...rest } = p;
  return {
    ...rest,
    brand: brand.name,
    ipRating: ipRating.code,
    compatibleDeviceProfileIds: compatibleDevices.map((c) => c.deviceProfileId),
    allowedTenantIds: tenants.map((t) => t.tenantId),
  };
}
