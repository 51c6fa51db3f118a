import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { equalsText } from '../../core/database/like';

export type Tx = Prisma.TransactionClient;

export const meterProfileRowInclude = { brand: true, ipRating: true } satisfies Prisma.MeterProfileInclude;

/** Related profiles are narrowed to what the caller may see. */
export function meterProfileDetailInclude(visibleDevices: Prisma.DeviceProfileWhereInput) {
  return {
    ...meterProfileRowInclude,
    compatibleDevices: { where: { deviceProfile: visibleDevices }, include: { deviceProfile: { include: { brand: true } } } },
    tenants: { include: { tenant: { select: { id: true, name: true } } } },
  } satisfies Prisma.MeterProfileInclude;
}
export type MeterProfileWithDetail = Prisma.MeterProfileGetPayload<{ include: ReturnType<typeof meterProfileDetailInclude> }>;

export const deviceProfileRowInclude = {
  brand: true,
  technologies: { include: { technology: true } },
  _count: { select: { scenarios: true } },
} satisfies Prisma.DeviceProfileInclude;

export function deviceProfileDetailInclude(visibleMeters: Prisma.MeterProfileWhereInput) {
  return {
    ...deviceProfileRowInclude,
    compatibleMeters: { where: { meterProfile: visibleMeters }, include: { meterProfile: { include: { brand: true } } } },
    tenants: { include: { tenant: { select: { id: true, name: true } } } },
    scenarios: { orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }] },
  } satisfies Prisma.DeviceProfileInclude;
}
export type DeviceProfileWithDetail = Prisma.DeviceProfileGetPayload<{ include: ReturnType<typeof deviceProfileDetailInclude> }>;

export const scenarioInclude = { technology: true } satisfies Prisma.MessageScenarioInclude;

/** Profile rows, their relations and what still uses them; no rules here. */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly database: DatabaseService) {}

  get prisma() {
    return this.database.prisma;
  }

  // ─── Meter profiles ───────────────────────────────────────────────────────────

  async pageMeterProfiles(where: Prisma.MeterProfileWhereInput, orderBy: Prisma.MeterProfileOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([
      this.prisma.meterProfile.findMany({ where, orderBy, skip, take, include: meterProfileRowInclude }),
      this.prisma.meterProfile.count({ where }),
    ]);
    return { items, total };
  }

  findMeterProfile(where: Prisma.MeterProfileWhereInput, visibleDevices: Prisma.DeviceProfileWhereInput): Promise<MeterProfileWithDetail | null> {
    return this.prisma.meterProfile.findFirst({ where, include: meterProfileDetailInclude(visibleDevices) });
  }

  /** Another profile of the brand with the same model code, ignoring case. */
  findMeterProfileByModel(brandId: string, modelCode: string, exceptId?: string) {
    return this.prisma.meterProfile.findFirst({
      where: { brandId, modelCode: equalsText(modelCode), ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      include: { brand: true },
    });
  }

  meterBrandExists(id: string) {
    return this.prisma.meterBrand.count({ where: { id } }).then((n) => n > 0);
  }

  ipRatingExists(id: string) {
    return this.prisma.ipRating.count({ where: { id } }).then((n) => n > 0);
  }

  async existingMeterProfileIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await this.prisma.meterProfile.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((p) => p.id));
  }

  countMeters(where: Prisma.MeterWhereInput) {
    return this.prisma.meter.count({ where });
  }

  // ─── Device profiles ──────────────────────────────────────────────────────────

  async pageDeviceProfiles(where: Prisma.DeviceProfileWhereInput, orderBy: Prisma.DeviceProfileOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([
      this.prisma.deviceProfile.findMany({ where, orderBy, skip, take, include: deviceProfileRowInclude }),
      this.prisma.deviceProfile.count({ where }),
    ]);
    return { items, total };
  }

  findDeviceProfile(where: Prisma.DeviceProfileWhereInput, visibleMeters: Prisma.MeterProfileWhereInput): Promise<DeviceProfileWithDetail | null> {
    return this.prisma.deviceProfile.findFirst({ where, include: deviceProfileDetailInclude(visibleMeters) });
  }

  findDeviceProfileByModel(brandId: string, modelCode: string, exceptId?: string) {
    return this.prisma.deviceProfile.findFirst({
      where: { brandId, modelCode: equalsText(modelCode), ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      include: { brand: true },
    });
  }

  deviceBrandExists(id: string) {
    return this.prisma.deviceBrand.count({ where: { id } }).then((n) => n > 0);
  }

  async existingDeviceProfileIds(ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    return new Set((await this.prisma.deviceProfile.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((p) => p.id));
  }

  findTechnologies(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.prisma.communicationTechnology.findMany({ where: { id: { in: ids } } });
  }

  countDevices(where: Prisma.DeviceWhereInput) {
    return this.prisma.device.count({ where });
  }

  countScenarios(where: Prisma.MessageScenarioWhereInput) {
    return this.prisma.messageScenario.count({ where });
  }

  /** Identifiers stored on the profile's devices for fields of the given technologies. */
  countIdentifiers(deviceProfileId: string, technologyIds: string[]) {
    if (!technologyIds.length) return Promise.resolve(0);
    return this.prisma.deviceIdentifier.count({ where: { device: { deviceProfileId }, field: { technologyId: { in: technologyIds } } } });
  }

  // ─── Shared by both sides ─────────────────────────────────────────────────────

  findTenants(ids: string[]) {
    if (!ids.length) return Promise.resolve([]);
    return this.prisma.tenant.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, parentId: true } });
  }

  /** Devices of the given profiles attached to meters of the given profiles (pairs that must stay compatible). */
  countAttached(meterProfileIds: string[], deviceProfileIds: string[]) {
    if (!meterProfileIds.length || !deviceProfileIds.length) return Promise.resolve(0);
    return this.prisma.device.count({ where: { deviceProfileId: { in: deviceProfileIds }, meter: { meterProfileId: { in: meterProfileIds } } } });
  }

  compatibilityExists(meterProfileId: string, deviceProfileId: string, tx: Tx = this.prisma) {
    return tx.meterProfileDeviceProfile.count({ where: { meterProfileId, deviceProfileId } }).then((n) => n > 0);
  }

  tenantParent(tenantId: string, tx: Tx = this.prisma) {
    return tx.tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
  }

  async allowedMeterProfileIds(tenantId: string | null, tx: Tx = this.prisma): Promise<Set<string>> {
    const rows = tenantId
      ? await tx.tenantMeterProfile.findMany({ where: { tenantId }, select: { meterProfileId: true } })
      : await tx.meterProfile.findMany({ select: { id: true } }).then((r) => r.map((p) => ({ meterProfileId: p.id })));
    return new Set(rows.map((r) => r.meterProfileId));
  }

  async allowedDeviceProfileIds(tenantId: string | null, tx: Tx = this.prisma): Promise<Set<string>> {
    const rows = tenantId
      ? await tx.tenantDeviceProfile.findMany({ where: { tenantId }, select: { deviceProfileId: true } })
      : await tx.deviceProfile.findMany({ select: { id: true } }).then((r) => r.map((p) => ({ deviceProfileId: p.id })));
    return new Set(rows.map((r) => r.deviceProfileId));
  }

  identifierFields(deviceProfileId: string, tx: Tx = this.prisma) {
    return tx.communicationTechnologyField.findMany({
      where: { technology: { profiles: { some: { deviceProfileId } } } },
      include: { technology: true },
      orderBy: [{ technology: { sortOrder: 'asc' } }, { technology: { code: 'asc' } }, { sortOrder: 'asc' }, { key: 'asc' }],
    });
  }

  // ─── Message scenarios ────────────────────────────────────────────────────────

  listScenarios(deviceProfileId: string) {
    return this.prisma.messageScenario.findMany({ where: { deviceProfileId }, include: scenarioInclude, orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }] });
  }

  findScenario(deviceProfileId: string, id: string) {
    return this.prisma.messageScenario.findFirst({ where: { id, deviceProfileId }, include: scenarioInclude });
  }
}
