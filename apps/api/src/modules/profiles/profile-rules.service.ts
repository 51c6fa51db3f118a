import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { BadInputException } from '../../core/http/errors';
import { mapIdentifierField, type IdentifierField } from './device-profiles.dto';
import type { Transaction as Tx } from '../../core/database/unit-of-work';
import { ProfilesRepository, type ProfileScope, type ProfileUser } from './profiles.repository';

/**
 * Who may use and see which profile, and which profiles go together. Exported for the meters and
 * devices modules: they check a tenant's profile, a meter–device pairing and a device's identifier
 * fields here. Every method takes an optional transaction client so callers can check inside theirs.
 */
@Injectable()
export class ProfileRulesService {
  constructor(private readonly profiles: ProfilesRepository) {}

  /** Meter profiles the tenant may use: every profile for the root, its allowed list otherwise (empty for an unknown tenant). */
  async usableMeterProfileIds(tenantId: string, tx?: Tx): Promise<Set<string>> {
    const tenant = await this.profiles.tenantParent(tenantId, tx);
    if (!tenant) return new Set();
    return this.profiles.allowedMeterProfileIds(tenant.parentId === null ? null : tenantId, tx);
  }

  /** Device profiles the tenant may use: every profile for the root, its allowed list otherwise (empty for an unknown tenant). */
  async usableDeviceProfileIds(tenantId: string, tx?: Tx): Promise<Set<string>> {
    const tenant = await this.profiles.tenantParent(tenantId, tx);
    if (!tenant) return new Set();
    return this.profiles.allowedDeviceProfileIds(tenant.parentId === null ? null : tenantId, tx);
  }

  /** True when a device of the device profile may be attached to a meter of the meter profile. */
  areCompatible(meterProfileId: string, deviceProfileId: string, tx?: Tx): Promise<boolean> {
    return this.profiles.compatibilityExists(meterProfileId, deviceProfileId, tx);
  }

  /** The provisioning fields a device of this profile needs, from its technologies (DevEUI, IMEI ...), in form order. */
  async identifierFields(deviceProfileId: string, tx?: Tx): Promise<IdentifierField[]> {
    return (await this.profiles.identifierFields(deviceProfileId, tx)).map(mapIdentifierField);
  }

  // ─── Visibility (BRIEF-NOTES): the root sees every profile, a child tenant those allowed to it ──

  /**
   * The meter and device profiles the caller sees: the union over the tenants where they read
   * profiles of what is allowed to them; every profile (null) when one of them is the root.
   */
  visibleScope(access: AccessContext): ProfileScope {
    const ids = access.tenantIds('PROFILES', 'read');
    return ids.some((id) => access.tenants.get(id)?.parentId === null) ? null : ids;
  }

  /** Narrows a list to what one tenant may use; the tenant must be one where the caller reads profiles. */
  usableBy(access: AccessContext, tenantId: string): ProfileUser {
    const tenant = access.require('PROFILES', 'read', tenantId);
    return tenant.parentId === null ? null : tenantId;
  }

  /**
   * The child tenants a profile is allowed to must be visible to the caller, and each one's parent must
   * be allowed the profile too (the root always is): a tenant can only use what its parent may use.
   */
  async checkAllowedTenants(access: AccessContext, rootId: string, tenantIds: string[], field: string): Promise<void> {
    const tenants = new Map((await this.profiles.findTenants(tenantIds)).map((t) => [t.id, t]));
    const allowed = new Set(tenantIds);
    tenantIds.forEach((id, i) => {
      const tenant = tenants.get(id);
      const path = [field, i];
      if (!tenant || !access.canSee(id))
        throw new BadInputException(`${field}.${i}: no such tenant`, [{ path, message: 'no such tenant' }]);
      if (tenant.parentId === null)
        throw new BadInputException(`${field}.${i}: the root tenant always uses every profile`, [{ path, message: 'is the root tenant' }]);
      if (tenant.parentId !== rootId && !allowed.has(tenant.parentId)) {
        throw new BadInputException(`${field}.${i}: ${tenant.name} can only use profiles its parent tenant may use`, [
          { path, message: 'its parent tenant is not allowed this profile' },
        ]);
      }
    });
  }
}
