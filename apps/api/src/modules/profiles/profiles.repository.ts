import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { equalsText } from '../../core/database/like';
import { foldSearch, searchTextContains } from '../../core/database/search';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';
import type { CreateScenarioDto, ListDeviceProfilesQueryDto, UpdateScenarioDto } from './device-profiles.dto';
import type { ListMeterProfilesQueryDto } from './meter-profiles.dto';

/**
 * The profiles a caller sees (ProfileRulesService.visibleScope): null for every profile, otherwise
 * those allowed to one of the listed tenants.
 */
export type ProfileScope = readonly string[] | null;

/** `usableBy`: null for the root tenant (uses every profile), else the one tenant a list is narrowed to. */
export type ProfileUser = string | null;

function allowedTo(scope: ProfileScope): { tenants?: { some: { tenantId: { in: string[] } } } } {
  return scope === null ? {} : { tenants: { some: { tenantId: { in: [...scope] } } } };
}

function usableByWhere(tenantId: ProfileUser): { tenants?: { some: { tenantId: string } } } {
  return tenantId === null ? {} : { tenants: { some: { tenantId } } };
}

/** The ids of `wanted` not yet in `current` (link rows to add). */
const added = (current: string[], wanted: string[]) => wanted.filter((x) => !current.includes(x));

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

  private get prisma() {
    return this.database.prisma;
  }

  // ─── Meter profiles ───────────────────────────────────────────────────────────

  async pageMeterProfiles(
    scope: ProfileScope,
    usableBy: ProfileUser | undefined,
    q: ListMeterProfilesQueryDto,
    skip: number,
    take: number,
  ) {
    const and: Prisma.MeterProfileWhereInput[] = [allowedTo(scope)];
    if (usableBy !== undefined) and.push(usableByWhere(usableBy));
    if (q.brandId) and.push({ brandId: q.brandId });
    if (q.meterType) and.push({ meterType: q.meterType });
    if (q.communicationModule) and.push({ communicationModule: q.communicationModule });
    if (q.deviceProfileId) and.push({ compatibleDevices: { some: { deviceProfileId: q.deviceProfileId } } });
    if (q.search) {
      const search = searchTextContains(await foldSearch(this.database, q.search));
      and.push({ OR: [{ searchText: search }, { brand: { searchText: search } }] });
    }
    const where: Prisma.MeterProfileWhereInput = { AND: and };
    const orderBy: Prisma.MeterProfileOrderByWithRelationInput[] =
      q.sort === 'brand'
        ? [{ brand: { name: q.order } }, { modelCode: q.order }, { id: 'asc' }]
        : [{ [q.sort]: q.order }, { modelCode: 'asc' }, { id: 'asc' }];
    const [items, total] = await Promise.all([
      this.prisma.meterProfile.findMany({ where, orderBy, skip, take, include: meterProfileRowInclude }),
      this.prisma.meterProfile.count({ where }),
    ]);
    return { items, total };
  }

  /** The profile if it is in `scope`, with the related device profiles of `scope` (null: every profile). */
  findMeterProfile(id: string, scope: ProfileScope): Promise<MeterProfileWithDetail | null> {
    return this.prisma.meterProfile.findFirst({
      where: { AND: [{ id }, allowedTo(scope)] },
      include: meterProfileDetailInclude(allowedTo(scope)),
    });
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

  countMeters(where: { meterProfileId: string; tenantId?: string }) {
    return this.prisma.meter.count({ where });
  }

  // ─── Device profiles ──────────────────────────────────────────────────────────

  async pageDeviceProfiles(
    scope: ProfileScope,
    usableBy: ProfileUser | undefined,
    q: ListDeviceProfilesQueryDto,
    skip: number,
    take: number,
  ) {
    const and: Prisma.DeviceProfileWhereInput[] = [allowedTo(scope)];
    if (usableBy !== undefined) and.push(usableByWhere(usableBy));
    if (q.brandId) and.push({ brandId: q.brandId });
    if (q.communicationModule) and.push({ communicationModule: q.communicationModule });
    if (q.technologyId) and.push({ technologies: { some: { technologyId: q.technologyId } } });
    if (q.meterProfileId) and.push({ compatibleMeters: { some: { meterProfileId: q.meterProfileId } } });
    if (q.search) {
      const search = searchTextContains(await foldSearch(this.database, q.search));
      and.push({ OR: [{ searchText: search }, { brand: { searchText: search } }] });
    }
    const where: Prisma.DeviceProfileWhereInput = { AND: and };
    const orderBy: Prisma.DeviceProfileOrderByWithRelationInput[] =
      q.sort === 'brand'
        ? [{ brand: { name: q.order } }, { modelCode: q.order }, { id: 'asc' }]
        : [{ [q.sort]: q.order }, { modelCode: 'asc' }, { id: 'asc' }];
    const [items, total] = await Promise.all([
      this.prisma.deviceProfile.findMany({ where, orderBy, skip, take, include: deviceProfileRowInclude }),
      this.prisma.deviceProfile.count({ where }),
    ]);
    return { items, total };
  }

  /** The profile if it is in `scope`, with the related meter profiles of `scope` (null: every profile). */
  findDeviceProfile(id: string, scope: ProfileScope): Promise<DeviceProfileWithDetail | null> {
    return this.prisma.deviceProfile.findFirst({
      where: { AND: [{ id }, allowedTo(scope)] },
      include: deviceProfileDetailInclude(allowedTo(scope)),
    });
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

  countDevices(where: { deviceProfileId: string; tenantId?: string }) {
    return this.prisma.device.count({ where });
  }

  countScenarios(where: { deviceProfileId: string; technologyId: string }) {
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
    return this.prisma.device.count({
      where: { deviceProfileId: { in: deviceProfileIds }, meter: { meterProfileId: { in: meterProfileIds } } },
    });
  }

  compatibilityExists(meterProfileId: string, deviceProfileId: string, tx?: Tx) {
    return clientOf(this.database, tx)
      .meterProfileDeviceProfile.count({ where: { meterProfileId, deviceProfileId } })
      .then((n) => n > 0);
  }

  tenantParent(tenantId: string, tx?: Tx) {
    return clientOf(this.database, tx).tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
  }

  async allowedMeterProfileIds(tenantId: string | null, tx?: Tx): Promise<Set<string>> {
    const rows = tenantId
      ? await clientOf(this.database, tx).tenantMeterProfile.findMany({ where: { tenantId }, select: { meterProfileId: true } })
      : await clientOf(this.database, tx)
          .meterProfile.findMany({ select: { id: true } })
          .then((r) => r.map((p) => ({ meterProfileId: p.id })));
    return new Set(rows.map((r) => r.meterProfileId));
  }

  async allowedDeviceProfileIds(tenantId: string | null, tx?: Tx): Promise<Set<string>> {
    const rows = tenantId
      ? await clientOf(this.database, tx).tenantDeviceProfile.findMany({ where: { tenantId }, select: { deviceProfileId: true } })
      : await clientOf(this.database, tx)
          .deviceProfile.findMany({ select: { id: true } })
          .then((r) => r.map((p) => ({ deviceProfileId: p.id })));
    return new Set(rows.map((r) => r.deviceProfileId));
  }

  identifierFields(deviceProfileId: string, tx?: Tx) {
    return clientOf(this.database, tx).communicationTechnologyField.findMany({
      where: { technology: { profiles: { some: { deviceProfileId } } } },
      include: { technology: true },
      orderBy: [{ technology: { sortOrder: 'asc' } }, { technology: { code: 'asc' } }, { sortOrder: 'asc' }, { key: 'asc' }],
    });
  }

  // ─── Message scenarios ────────────────────────────────────────────────────────

  listScenarios(deviceProfileId: string) {
    return this.prisma.messageScenario.findMany({
      where: { deviceProfileId },
      include: scenarioInclude,
      orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
    });
  }

  findScenario(deviceProfileId: string, id: string) {
    return this.prisma.messageScenario.findFirst({ where: { id, deviceProfileId }, include: scenarioInclude });
  }

  /** A scenario's decoder and port, when its profile is in `scope`. */
  findScenarioDecoder(deviceProfileId: string, id: string, scope: ProfileScope) {
    return this.prisma.messageScenario.findFirst({
      where: { id, deviceProfileId, deviceProfile: allowedTo(scope) },
      select: { decoderSource: true, fPort: true },
    });
  }

  // ─── Writes ───────────────────────────────────────────────────────────────────

  async createMeterProfile(
    tx: Tx,
    data: Prisma.MeterProfileUncheckedCreateInput,
    compatibleDeviceProfileIds: string[],
    allowedTenantIds: string[],
  ): Promise<string> {
    const db = clientOf(this.database, tx);
    const profile = await db.meterProfile.create({ data });
    await db.meterProfileDeviceProfile.createMany({
      data: compatibleDeviceProfileIds.map((deviceProfileId) => ({ meterProfileId: profile.id, deviceProfileId })),
    });
    await db.tenantMeterProfile.createMany({ data: allowedTenantIds.map((tenantId) => ({ tenantId, meterProfileId: profile.id })) });
    return profile.id;
  }

  async updateMeterProfile(tx: Tx, id: string, data: Prisma.MeterProfileUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).meterProfile.update({ where: { id }, data });
  }

  /** Compatibility and tenant rows go with it (cascade). */
  async deleteMeterProfile(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).meterProfile.delete({ where: { id } });
  }

  async setMeterProfileDevices(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.meterProfileDeviceProfile.deleteMany({ where: { meterProfileId: id, deviceProfileId: { notIn: wanted } } });
    const ids = added(current, wanted);
    if (ids.length)
      await db.meterProfileDeviceProfile.createMany({ data: ids.map((deviceProfileId) => ({ meterProfileId: id, deviceProfileId })) });
  }

  async setMeterProfileTenants(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.tenantMeterProfile.deleteMany({ where: { meterProfileId: id, tenantId: { notIn: wanted } } });
    const ids = added(current, wanted);
    if (ids.length) await db.tenantMeterProfile.createMany({ data: ids.map((tenantId) => ({ tenantId, meterProfileId: id })) });
  }

  async createDeviceProfile(
    tx: Tx,
    data: Prisma.DeviceProfileUncheckedCreateInput,
    links: { technologyIds: string[]; compatibleMeterProfileIds: string[]; allowedTenantIds: string[] },
  ): Promise<string> {
    const db = clientOf(this.database, tx);
    const profile = await db.deviceProfile.create({ data });
    await db.deviceProfileTechnology.createMany({
      data: links.technologyIds.map((technologyId) => ({ deviceProfileId: profile.id, technologyId })),
    });
    await db.meterProfileDeviceProfile.createMany({
      data: links.compatibleMeterProfileIds.map((meterProfileId) => ({ meterProfileId, deviceProfileId: profile.id })),
    });
    await db.tenantDeviceProfile.createMany({
      data: links.allowedTenantIds.map((tenantId) => ({ tenantId, deviceProfileId: profile.id })),
    });
    return profile.id;
  }

  async updateDeviceProfile(tx: Tx, id: string, data: Prisma.DeviceProfileUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).deviceProfile.update({ where: { id }, data });
  }

  /** Technologies, scenarios, compatibility and tenant rows go with it (cascade). */
  async deleteDeviceProfile(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).deviceProfile.delete({ where: { id } });
  }

  async setDeviceProfileTechnologies(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.deviceProfileTechnology.deleteMany({ where: { deviceProfileId: id, technologyId: { notIn: wanted } } });
    const ids = added(current, wanted);
    if (ids.length)
      await db.deviceProfileTechnology.createMany({ data: ids.map((technologyId) => ({ deviceProfileId: id, technologyId })) });
  }

  async setDeviceProfileMeters(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.meterProfileDeviceProfile.deleteMany({ where: { deviceProfileId: id, meterProfileId: { notIn: wanted } } });
    const ids = added(current, wanted);
    if (ids.length)
      await db.meterProfileDeviceProfile.createMany({ data: ids.map((meterProfileId) => ({ meterProfileId, deviceProfileId: id })) });
  }

  async setDeviceProfileTenants(tx: Tx, id: string, current: string[], wanted: string[]): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.tenantDeviceProfile.deleteMany({ where: { deviceProfileId: id, tenantId: { notIn: wanted } } });
    const ids = added(current, wanted);
    if (ids.length) await db.tenantDeviceProfile.createMany({ data: ids.map((tenantId) => ({ tenantId, deviceProfileId: id })) });
  }

  createScenario(tx: Tx, deviceProfileId: string, input: CreateScenarioDto) {
    return clientOf(this.database, tx).messageScenario.create({ data: { ...input, deviceProfileId }, include: scenarioInclude });
  }

  /** A new version tells the decoder cache to recompile. */
  updateScenario(tx: Tx, id: string, input: UpdateScenarioDto) {
    return clientOf(this.database, tx).messageScenario.update({
      where: { id },
      data: { ...input, version: { increment: 1 } },
      include: scenarioInclude,
    });
  }

  async deleteScenario(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).messageScenario.delete({ where: { id } });
  }
}
