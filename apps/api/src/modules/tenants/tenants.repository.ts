import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { insertMeterDaysFromReadings, type Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';
import type { AddressInput } from '../../core/http/address.dto';

const detailInclude = {
  address: true,
  parent: { select: { id: true, name: true } },
  memberships: {
    include: { user: { select: { id: true, name: true, surname: true, email: true, isActive: true } }, permissions: true },
    orderBy: { createdAt: 'asc' },
  },
  meterProfiles: { include: { meterProfile: { include: { brand: true } } } },
  deviceProfiles: { include: { deviceProfile: { include: { brand: true } } } },
} satisfies Prisma.TenantInclude;

export type TenantWithDetail = Prisma.TenantGetPayload<{ include: typeof detailInclude }>;

/** Tenant rows and their subtree statistics; no rules here. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  /**
   * Cuts the tenant's meter days anew from its readings in its zone as this transaction has just set it
   * (the worker cut them in the old one as they arrived); the tenant rollup follows by its triggers.
   */
  async recutDailyConsumption(tx: Tx, tenantId: string): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.$executeRaw`DELETE FROM meter_daily_consumption WHERE tenant_id = ${tenantId}::uuid`;
    const insert = insertMeterDaysFromReadings(tenantId).compile(this.database.db);
    await db.$executeRawUnsafe(insert.sql, ...insert.parameters);
  }

  findDetail(id: string): Promise<TenantWithDetail | null> {
    return this.prisma.tenant.findUnique({ where: { id }, include: detailInclude });
  }

  findMany(ids: string[]) {
    return this.prisma.tenant.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, parentId: true, planType: true, planStatus: true },
      orderBy: { name: 'asc' },
    });
  }

  /** Counts over the tenant and all its descendants. */
  async subtreeStats(id: string) {
    const { rows } = await sql<{
      users: number;
      meters: number;
      devices: number;
      customers: number;
      subscriptions: number;
      active_alarms: number;
      child_tenants: number;
    }>`
      WITH sub AS (
        SELECT t.id FROM tenant t WHERE t.path <@ (SELECT path FROM tenant WHERE id = ${id})
      )
      SELECT
        (SELECT count(DISTINCT m.user_id) FROM membership m WHERE m.tenant_id IN (SELECT id FROM sub))::int AS users,
        (SELECT count(*) FROM meter WHERE tenant_id IN (SELECT id FROM sub))::int AS meters,
        (SELECT count(*) FROM device WHERE tenant_id IN (SELECT id FROM sub))::int AS devices,
        (SELECT count(*) FROM customer WHERE tenant_id IN (SELECT id FROM sub))::int AS customers,
        (SELECT count(*) FROM subscription WHERE tenant_id IN (SELECT id FROM sub))::int AS subscriptions,
        (SELECT count(*) FROM alarm WHERE cleared_at IS NULL AND tenant_id IN (SELECT id FROM sub))::int AS active_alarms,
        (SELECT count(*) FROM sub)::int - 1 AS child_tenants
    `.execute(this.database.db);
    return rows[0];
  }

  /** What still lives directly in a tenant; deleting it is refused while any is non-zero. */
  async dependents(id: string) {
    const { rows } = await sql<{ children: number; customers: number; subscriptions: number; meters: number; devices: number }>`
      SELECT
        (SELECT count(*) FROM tenant WHERE parent_id = ${id})::int AS children,
        (SELECT count(*) FROM customer WHERE tenant_id = ${id})::int AS customers,
        (SELECT count(*) FROM subscription WHERE tenant_id = ${id})::int AS subscriptions,
        (SELECT count(*) FROM meter WHERE tenant_id = ${id})::int AS meters,
        (SELECT count(*) FROM device WHERE tenant_id = ${id})::int AS devices
    `.execute(this.database.db);
    return rows[0];
  }

  /** Meter profiles a tenant may use: all for the root, its allowed list otherwise. */
  async usableMeterProfileIds(tenantId: string, tx?: Tx): Promise<Set<string>> {
    const tenant = await clientOf(this.database, tx).tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { parentId: true } });
    if (tenant.parentId === null)
      return new Set((await clientOf(this.database, tx).meterProfile.findMany({ select: { id: true } })).map((p) => p.id));
    return new Set(
      (await clientOf(this.database, tx).tenantMeterProfile.findMany({ where: { tenantId }, select: { meterProfileId: true } })).map(
        (p) => p.meterProfileId,
      ),
    );
  }

  async usableDeviceProfileIds(tenantId: string, tx?: Tx): Promise<Set<string>> {
    const tenant = await clientOf(this.database, tx).tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { parentId: true } });
    if (tenant.parentId === null)
      return new Set((await clientOf(this.database, tx).deviceProfile.findMany({ select: { id: true } })).map((p) => p.id));
    return new Set(
      (await clientOf(this.database, tx).tenantDeviceProfile.findMany({ where: { tenantId }, select: { deviceProfileId: true } })).map(
        (p) => p.deviceProfileId,
      ),
    );
  }

  /** Ids of the tenant and its descendants. */
  async subtreeIds(id: string, tx?: Tx): Promise<string[]> {
    const rows = await clientOf(this.database, tx).$queryRaw<
      { id: string }[]
    >`SELECT id::text FROM tenant WHERE path <@ (SELECT path FROM tenant WHERE id = ${id}::uuid)`;
    return rows.map((r) => r.id);
  }

  /** Meters in a subtree still using any of the given profiles. */
  async metersUsingProfiles(tenantIds: string[], meterProfileIds: string[], tx?: Tx): Promise<number> {
    if (!meterProfileIds.length) return 0;
    return clientOf(this.database, tx).meter.count({ where: { tenantId: { in: tenantIds }, meterProfileId: { in: meterProfileIds } } });
  }

  async devicesUsingProfiles(tenantIds: string[], deviceProfileIds: string[], tx?: Tx): Promise<number> {
    if (!deviceProfileIds.length) return 0;
    return clientOf(this.database, tx).device.count({ where: { tenantId: { in: tenantIds }, deviceProfileId: { in: deviceProfileIds } } });
  }

  // ─── Writes ───────────────────────────────────────────────────────────────────

  async create(tx: Tx, data: Prisma.TenantUncheckedCreateInput): Promise<string> {
    return (await clientOf(this.database, tx).tenant.create({ data })).id;
  }

  async update(tx: Tx, id: string, data: Prisma.TenantUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).tenant.update({ where: { id }, data });
  }

  /** Deletes the tenant with its own addresses. */
  async delete(tx: Tx, id: string): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.tenant.update({ where: { id }, data: { addressId: null } });
    await db.address.deleteMany({ where: { tenantId: id } });
    await db.tenant.delete({ where: { id } });
  }

  async updateAddress(tx: Tx, addressId: string, address: AddressInput): Promise<void> {
    await clientOf(this.database, tx).address.update({ where: { id: addressId }, data: address });
  }

  /** Gives the tenant a new address of its own. */
  async createAddress(tx: Tx, tenantId: string, address: AddressInput): Promise<void> {
    const db = clientOf(this.database, tx);
    const created = await db.address.create({ data: { ...address, tenantId } });
    await db.tenant.update({ where: { id: tenantId }, data: { addressId: created.id } });
  }

  /** The profile ids on the tenant's own allowed lists. */
  async allowedProfileIds(tx: Tx, tenantId: string): Promise<{ meters: string[]; devices: string[] }> {
    const db = clientOf(this.database, tx);
    const meters = (await db.tenantMeterProfile.findMany({ where: { tenantId } })).map((r) => r.meterProfileId);
    const devices = (await db.tenantDeviceProfile.findMany({ where: { tenantId } })).map((r) => r.deviceProfileId);
    return { meters, devices };
  }

  async disallowMeterProfiles(tx: Tx, tenantIds: string[], meterProfileIds: string[]): Promise<void> {
    await clientOf(this.database, tx).tenantMeterProfile.deleteMany({
      where: { tenantId: { in: tenantIds }, meterProfileId: { in: meterProfileIds } },
    });
  }

  async disallowDeviceProfiles(tx: Tx, tenantIds: string[], deviceProfileIds: string[]): Promise<void> {
    await clientOf(this.database, tx).tenantDeviceProfile.deleteMany({
      where: { tenantId: { in: tenantIds }, deviceProfileId: { in: deviceProfileIds } },
    });
  }

  async allowMeterProfiles(tx: Tx, tenantId: string, meterProfileIds: string[]): Promise<void> {
    await clientOf(this.database, tx).tenantMeterProfile.createMany({
      data: meterProfileIds.map((meterProfileId) => ({ tenantId, meterProfileId })),
      skipDuplicates: true,
    });
  }

  async allowDeviceProfiles(tx: Tx, tenantId: string, deviceProfileIds: string[]): Promise<void> {
    await clientOf(this.database, tx).tenantDeviceProfile.createMany({
      data: deviceProfileIds.map((deviceProfileId) => ({ tenantId, deviceProfileId })),
      skipDuplicates: true,
    });
  }

  // ─── Logo ──────────────────────────────────────────────────────────────────────

  async saveLogo(tx: Tx, tenantId: string, contentType: string, bytes: Buffer): Promise<{ updatedAt: Date }> {
    const image = new Uint8Array(bytes);
    return clientOf(this.database, tx).tenantLogo.upsert({
      where: { tenantId },
      create: { tenantId, contentType, image },
      update: { contentType, image },
      select: { updatedAt: true },
    });
  }

  logo(tenantId: string): Promise<{ contentType: string; image: Uint8Array; updatedAt: Date } | null> {
    return this.prisma.tenantLogo.findUnique({ where: { tenantId }, select: { contentType: true, image: true, updatedAt: true } });
  }

  async deleteLogo(tx: Tx, tenantId: string): Promise<boolean> {
    return (await clientOf(this.database, tx).tenantLogo.deleteMany({ where: { tenantId } })).count > 0;
  }
}
