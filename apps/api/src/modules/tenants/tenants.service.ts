import { Injectable } from '@nestjs/common';
import { emptyMatrix, type InUseNoun, type PermissionMatrix, type PermissionModule } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AccessService } from '../../core/access/access.service';
import { AuditService } from '../../core/audit/audit.service';
import { mapAddress, type AddressInput } from '../../core/http/address.dto';
import { BadInputException, ConflictException, EntityNotFoundException, ForbiddenActionException } from '../../core/http/errors';
import type { UploadedFile } from '../../core/http/upload';
import { isDrawable, logoType } from './tenant-logo';
import type { CreateTenantDto, TenantDetail, TenantLogoView, TenantNode, UpdateTenantDto } from './tenants.dto';
import { UnitOfWork, type Transaction as Tx } from '../../core/database/unit-of-work';
import { TenantsRepository, type TenantWithDetail } from './tenants.repository';

/**
 * What a tenant may use and pay for, and where it hangs: set only by users who may update tenants at
 * its parent (at the root for the root itself), never by the tenant's own administrators, who edit its
 * name, contacts, address, tax details and time zone (decisions.md, Access).
 */
export const PARENT_LEVEL_FIELDS = ['parentId', 'planType', 'planStatus', 'allowedMeterProfileIds', 'allowedDeviceProfileIds'] as const;

/** What still holds a tenant, as the `inUse` reason's nouns. */
const TENANT_DEPENDENT_NOUNS: Record<'children' | 'customers' | 'subscriptions' | 'meters' | 'devices', InUseNoun> = {
  children: 'childTenant',
  customers: 'customer',
  subscriptions: 'subscription',
  meters: 'meter',
  devices: 'device',
};

const TENANT_FIELDS = [
  'name',
  'contactName',
  'contactSurname',
  'contactPhone',
  'contactEmail',
  'taxId',
  'taxOffice',
  'planType',
  'planStatus',
  'timeZone',
] as const;

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly audit: AuditService,
    private readonly accessService: AccessService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The caller's visible tenants where they may read tenants, as a forest (never an ancestor or sibling). */
  async tree(access: AccessContext): Promise<TenantNode[]> {
    const ids = access.tenantIds('TENANTS', 'read');
    const rows = await this.tenants.findMany(ids);
    const nodes = new Map<string, TenantNode>(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.name,
          parentId: r.parentId,
          depth: access.tenants.get(r.id)!.depth,
          planType: r.planType,
          planStatus: r.planStatus,
          children: [],
        },
      ]),
    );
    const roots: TenantNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.parentId ? nodes.get(node.parentId) : undefined;
      if (parent) {
        parent.children.push(node);
        continue;
      }
      // A tenant never learns of its parent when the parent is outside what the caller may see.
      if (node.parentId && !access.canSee(node.parentId)) node.parentId = null;
      roots.push(node);
    }
    return roots;
  }

  async detail(access: AccessContext, id: string): Promise<TenantDetail> {
    access.require('TENANTS', 'read', id);
    const tenant = await this.tenants.findDetail(id);
    if (!tenant) throw new EntityNotFoundException('tenant', id);
    return this.mapDetail(access, tenant, await this.tenants.subtreeStats(id));
  }

  async create(access: AccessContext, input: CreateTenantDto): Promise<TenantDetail> {
    access.require('TENANTS', 'create', input.parentId, 'parent tenant');
    const id = await this.unitOfWork.run(async (tx) => {
      const tenantId = await this.tenants.create(tx, { parentId: input.parentId, ...pick(input) });
      if (input.address) await this.setAddress(tx, tenantId, null, input.address);
      await this.setAllowedProfiles(tx, tenantId, input.parentId, input.allowedMeterProfileIds ?? [], input.allowedDeviceProfileIds ?? []);
      await this.audit.record(access, { action: 'create', entityType: 'tenant', entityId: tenantId, tenantId, after: input }, tx);
      return tenantId;
    });
    await this.accessService.invalidate();
    // The caller's scope was computed before the new tenant existed.
    const refreshed = await this.accessService.load(access.userId, access.sessionId, access.requestId);
    return this.detail(refreshed ?? access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateTenantDto): Promise<TenantDetail> {
    access.require('TENANTS', 'update', id);
    const before = await this.tenants.findDetail(id);
    if (!before) throw new EntityNotFoundException('tenant', id);
    requireParentLevel(access, before, input);
    const moved = input.parentId !== undefined && input.parentId !== before.parentId;
    if (input.parentId !== undefined && moved) {
      if (before.parentId === null)
        throw new BadInputException('the root tenant has no parent', [{ path: ['parentId'], message: 'the root tenant cannot be moved' }]);
      access.require('TENANTS', 'update', input.parentId, 'parent tenant');
      const target = access.tenants.get(input.parentId)!;
      const self = access.tenants.get(id)!;
      if (target.path === self.path || target.path.startsWith(`${self.path}.`)) {
        throw new BadInputException('a tenant cannot be moved under itself or one of its descendants', [
          { path: ['parentId'], message: 'is this tenant or one of its descendants' },
        ]);
      }
    }
    await this.unitOfWork.run(async (tx) => {
      await this.tenants.update(tx, id, { ...pick(input), ...(input.parentId ? { parentId: input.parentId } : {}) });
      if (input.address !== undefined) await this.setAddress(tx, id, before.addressId, input.address);
      // Daily totals (dashboard, consumption history) are local days: a new zone cuts them anew.
      if (input.timeZone !== undefined && input.timeZone !== before.timeZone) await this.tenants.recutDailyConsumption(tx, id);
      // A moved tenant's lists must fit its new parent's too (setAllowedProfiles checks them).
      if (input.allowedMeterProfileIds || input.allowedDeviceProfileIds || moved) {
        const parentId = input.parentId ?? before.parentId;
        if (!parentId)
          throw new BadInputException('the root tenant always uses every profile', [
            { path: ['allowedMeterProfileIds'], message: 'cannot be set on the root tenant' },
          ]);
        await this.setAllowedProfiles(
          tx,
          id,
          parentId,
          input.allowedMeterProfileIds ?? before.meterProfiles.map((p) => p.meterProfileId),
          input.allowedDeviceProfileIds ?? before.deviceProfiles.map((p) => p.deviceProfileId),
        );
      }
      await this.audit.record(
        access,
        { action: 'update', entityType: 'tenant', entityId: id, tenantId: id, before: snapshot(before), after: input },
        tx,
      );
    });
    await this.accessService.invalidate();
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    access.require('TENANTS', 'delete', id);
    const tenant = await this.tenants.findDetail(id);
    if (!tenant) throw new EntityNotFoundException('tenant', id);
    if (tenant.parentId === null) throw new ConflictException('the root tenant cannot be deleted', [], { code: 'rootTenant' });
    // A tenant exists by its parent's decision (it is created with the right there): so it is deleted.
    if (!access.can('TENANTS', 'delete', tenant.parentId)) {
      throw new ForbiddenActionException(`${tenant.name} can only be deleted by users who may delete tenants at its parent tenant`);
    }
    const d = await this.tenants.dependents(id);
    const blocking = Object.entries(d).filter(([, n]) => n > 0);
    if (blocking.length) {
      throw new ConflictException(
        `tenant ${tenant.name} still holds ${blocking.map(([k, n]) => `${n} ${k}`).join(', ')}; move or delete them first`,
        blocking.map(([k, n]) => ({ path: [k], message: `${n} remaining` })),
        { code: 'inUse', params: Object.fromEntries(blocking.map(([k, n]) => [TENANT_DEPENDENT_NOUNS[k as keyof typeof d], n])) },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.tenants.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'tenant', entityId: id, tenantId: null, before: snapshot(tenant) },
        tx,
      );
    });
    await this.accessService.invalidate();
  }

  /** A child may only be allowed profiles its parent may use; removing one still in use is refused. */
  private async setAllowedProfiles(tx: Tx, tenantId: string, parentId: string, meterIds: string[], deviceIds: string[]): Promise<void> {
    const [usableMeters, usableDevices] = await Promise.all([
      this.tenants.usableMeterProfileIds(parentId, tx),
      this.tenants.usableDeviceProfileIds(parentId, tx),
    ]);
    const badMeter = meterIds.findIndex((p) => !usableMeters.has(p));
    if (badMeter >= 0)
      throw new BadInputException('meter profile not available to the parent tenant', [
        { path: ['allowedMeterProfileIds', badMeter], message: 'not usable by the parent tenant' },
      ]);
    const badDevice = deviceIds.findIndex((p) => !usableDevices.has(p));
    if (badDevice >= 0)
      throw new BadInputException('device profile not available to the parent tenant', [
        { path: ['allowedDeviceProfileIds', badDevice], message: 'not usable by the parent tenant' },
      ]);

    const subtree = await this.tenants.subtreeIds(tenantId, tx);
    const { meters: currentMeters, devices: currentDevices } = await this.tenants.allowedProfileIds(tx, tenantId);
    const removedMeters = currentMeters.filter((p) => !meterIds.includes(p));
    const removedDevices = currentDevices.filter((p) => !deviceIds.includes(p));
    const metersInUse = await this.tenants.metersUsingProfiles(subtree, removedMeters, tx);
    if (metersInUse)
      throw new ConflictException(`${metersInUse} meters of this tenant or its children still use a meter profile being removed`, [], {
        code: 'inUse',
        params: { meter: metersInUse },
      });
    const devicesInUse = await this.tenants.devicesUsingProfiles(subtree, removedDevices, tx);
    if (devicesInUse)
      throw new ConflictException(`${devicesInUse} devices of this tenant or its children still use a device profile being removed`, [], {
        code: 'inUse',
        params: { device: devicesInUse },
      });

    // Children lose what their parent loses.
    if (removedMeters.length) await this.tenants.disallowMeterProfiles(tx, subtree, removedMeters);
    if (removedDevices.length) await this.tenants.disallowDeviceProfiles(tx, subtree, removedDevices);
    const addMeters = meterIds.filter((p) => !currentMeters.includes(p));
    const addDevices = deviceIds.filter((p) => !currentDevices.includes(p));
    if (addMeters.length) await this.tenants.allowMeterProfiles(tx, tenantId, addMeters);
    if (addDevices.length) await this.tenants.allowDeviceProfiles(tx, tenantId, addDevices);
  }

  private async setAddress(tx: Tx, tenantId: string, currentId: string | null, address: AddressInput | null): Promise<void> {
    if (address === null) {
      await this.tenants.update(tx, tenantId, { addressId: null });
      return;
    }
    if (currentId) await this.tenants.updateAddress(tx, currentId, address);
    else await this.tenants.createAddress(tx, tenantId, address);
  }

  private mapDetail(
    access: AccessContext,
    t: TenantWithDetail,
    stats: Awaited<ReturnType<TenantsRepository['subtreeStats']>>,
  ): TenantDetail {
    const parentVisible = t.parentId !== null && access.canSee(t.parentId);
    return {
      id: t.id,
      parentId: parentVisible ? t.parentId : null,
      parentName: parentVisible ? (t.parent?.name ?? null) : null,
      isRoot: t.parentId === null,
      name: t.name,
      contactName: t.contactName,
      contactSurname: t.contactSurname,
      contactPhone: t.contactPhone,
      contactEmail: t.contactEmail,
      taxId: t.taxId,
      taxOffice: t.taxOffice,
      address: t.address ? mapAddress(t.address) : null,
      planType: t.planType,
      planStatus: t.planStatus,
      timeZone: t.timeZone,
      createdAt: t.createdAt.toISOString(),
      updatedAt: t.updatedAt.toISOString(),
      stats: {
        users: stats.users,
        meters: stats.meters,
        devices: stats.devices,
        customers: stats.customers,
        subscriptions: stats.subscriptions,
        activeAlarms: stats.active_alarms,
        childTenants: stats.child_tenants,
      },
      users: t.memberships.map((m) => ({
        userId: m.user.id,
        name: m.user.name,
        surname: m.user.surname,
        email: m.user.email,
        isActive: m.user.isActive,
        role: m.role,
        permissions: toMatrix(m.permissions),
      })),
      allowedMeterProfiles: t.meterProfiles
        .map((p) => ({ id: p.meterProfile.id, brand: p.meterProfile.brand.name, modelCode: p.meterProfile.modelCode }))
        .sort((a, b) => `${a.brand} ${a.modelCode}`.localeCompare(`${b.brand} ${b.modelCode}`)),
      allowedDeviceProfiles: t.deviceProfiles
        .map((p) => ({ id: p.deviceProfile.id, brand: p.deviceProfile.brand.name, modelCode: p.deviceProfile.modelCode }))
        .sort((a, b) => `${a.brand} ${a.modelCode}`.localeCompare(`${b.brand} ${b.modelCode}`)),
    };
  }

  // ─── Logo (printed on the tenant's invoices) ─────────────────────────────────────

  /** PNG or JPEG, at most MAX_LOGO_BYTES, one the PDF renderer can draw; by whoever may update the tenant. */
  async setLogo(access: AccessContext, id: string, file: UploadedFile): Promise<TenantLogoView> {
    access.require('TENANTS', 'update', id);
    const chunks: Buffer[] = [];
    for await (const chunk of file.bytes) chunks.push(chunk);
    const image = Buffer.concat(chunks);
    const contentType = logoType(image);
    const refuse = (message: string) => new BadInputException(`the logo ${message}`, [{ path: ['body', 'file'], message }]);
    if (!contentType) throw refuse('must be a PNG or JPEG image');
    if (!(await isDrawable(image))) throw refuse(`is not a readable ${contentType} image`);
    const { updatedAt } = await this.unitOfWork.run(async (tx) => {
      const saved = await this.tenants.saveLogo(tx, id, contentType, image);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'tenant', entityId: id, tenantId: id, after: { logo: { contentType, bytes: image.length } } },
        tx,
      );
      return saved;
    });
    return { contentType, bytes: image.length, updatedAt: updatedAt.toISOString() };
  }

  async logo(access: AccessContext, id: string): Promise<{ contentType: string; image: Buffer }> {
    access.require('TENANTS', 'read', id);
    const logo = await this.tenants.logo(id);
    if (!logo) throw new EntityNotFoundException('logo of tenant', id);
    return { contentType: logo.contentType, image: Buffer.from(logo.image) };
  }

  async removeLogo(access: AccessContext, id: string): Promise<void> {
    access.require('TENANTS', 'update', id);
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.tenants.deleteLogo(tx, id))) throw new EntityNotFoundException('logo of tenant', id);
      await this.audit.record(access, { action: 'update', entityType: 'tenant', entityId: id, tenantId: id, after: { logo: null } }, tx);
    });
  }
}

/**
 * Refuses (403 naming the fields) a parent-level field in a change by a user without the right to
 * update tenants at the tenant's parent. `parentId` is refused whenever it is sent; a plan or list equal
 * to the current one changes nothing and passes (the console's form sends them back unchanged).
 */
export function requireParentLevel(access: AccessContext, before: TenantWithDetail, input: UpdateTenantDto): void {
  const sameSet = (a: string[], b: string[]) => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;
  const changes: Record<(typeof PARENT_LEVEL_FIELDS)[number], boolean> = {
    parentId: input.parentId !== undefined,
    planType: input.planType !== undefined && input.planType !== before.planType,
    planStatus: input.planStatus !== undefined && input.planStatus !== before.planStatus,
    allowedMeterProfileIds:
      input.allowedMeterProfileIds !== undefined &&
      !sameSet(
        input.allowedMeterProfileIds,
        before.meterProfiles.map((p) => p.meterProfileId),
      ),
    allowedDeviceProfileIds:
      input.allowedDeviceProfileIds !== undefined &&
      !sameSet(
        input.allowedDeviceProfileIds,
        before.deviceProfiles.map((p) => p.deviceProfileId),
      ),
  };
  const asked = PARENT_LEVEL_FIELDS.filter((f) => changes[f]);
  if (!asked.length || access.can('TENANTS', 'update', before.parentId ?? before.id)) return;
  throw new ForbiddenActionException(
    `${asked.join(', ')} of ${before.name} can only be set by users who may update tenants at its parent tenant; you may change its name, contacts, address, tax details and time zone`,
    asked.map((f) => ({ path: [f], message: 'set by the parent tenant' })),
  );
}

export function toMatrix(
  rows: { module: string; canCreate: boolean; canRead: boolean; canUpdate: boolean; canDelete: boolean }[],
): PermissionMatrix {
  const matrix = emptyMatrix();
  for (const r of rows)
    matrix[r.module as PermissionModule] = { create: r.canCreate, read: r.canRead, update: r.canUpdate, delete: r.canDelete };
  return matrix;
}

function pick(input: Partial<Record<(typeof TENANT_FIELDS)[number], unknown>>) {
  const data: Record<string, unknown> = {};
  for (const k of TENANT_FIELDS) if (input[k] !== undefined) data[k] = input[k];
  return data as { name: string };
}

function snapshot(t: TenantWithDetail) {
  const { memberships: _m, meterProfiles, deviceProfiles, parent: _p, ...rest } = t;
  return {
    ...rest,
    allowedMeterProfileIds: meterProfiles.map((p) => p.meterProfileId),
    allowedDeviceProfileIds: deviceProfiles.map((p) => p.deviceProfileId),
  };
}
