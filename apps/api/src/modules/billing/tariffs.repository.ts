import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { VersionRecord } from './tariff-rules';

type Tx = Transaction;

export interface TariffRecord {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantTimeZone: string;
  code: string;
  name: string;
  subscriptionType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  subscriptionGroupId: string | null;
  subscriptionGroupName: string | null;
  subscriptionGroupNameEn: string | null;
  isExample: boolean;
  createdAt: Date;
  updatedAt: Date;
  versions: (VersionRecord & { id: string })[];
}

const include = {
  tenant: { select: { name: true, timeZone: true } },
  subscriptionGroup: { select: { name: true, nameEn: true } },
  versions: {
    orderBy: { effectiveFrom: 'asc' },
    include: { tiers: { orderBy: { ordinal: 'asc' } }, fees: { orderBy: { ordinal: 'asc' } } },
  },
} satisfies Prisma.TariffInclude;

type TariffRow = Prisma.TariffGetPayload<{ include: typeof include }>;

const day = (d: Date) => d.toISOString().slice(0, 10);
const date = (s: string) => new Date(`${s}T00:00:00Z`);

function toRecord(t: TariffRow): TariffRecord {
  return {
    id: t.id,
    tenantId: t.tenantId,
    tenantName: t.tenant.name,
    tenantTimeZone: t.tenant.timeZone,
    code: t.code,
    name: t.name,
    subscriptionType: t.subscriptionType,
    subscriptionGroupId: t.subscriptionGroupId,
    subscriptionGroupName: t.subscriptionGroup?.name ?? null,
    subscriptionGroupNameEn: t.subscriptionGroup?.nameEn ?? null,
    isExample: t.isExample,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    versions: t.versions.map((v) => ({
      id: v.id,
      effectiveFrom: day(v.effectiveFrom),
      effectiveTo: v.effectiveTo ? day(v.effectiveTo) : null,
      fixedChargeKurus: v.fixedChargeKurus,
      fixedVatRateBp: v.fixedVatRateBp,
      waterVatRateBp: v.waterVatRateBp,
      wastewaterMode: v.wastewaterMode,
      wastewaterUnitPriceKurus: v.wastewaterUnitPriceKurus,
      wastewaterShareBp: v.wastewaterShareBp,
      wastewaterVatRateBp: v.wastewaterVatRateBp,
      minimumChargeKurus: v.minimumChargeKurus,
      latePaymentInterestBp: v.latePaymentInterestBp,
      note: v.note,
      tiers: v.tiers.map((x) => ({
        ordinal: x.ordinal,
        fromM3: x.fromM3.toNumber(),
        toM3: x.toM3 === null ? null : x.toM3.toNumber(),
        unitPriceKurus: x.unitPriceKurus,
      })),
      fees: v.fees.map((f) => ({
        ordinal: f.ordinal,
        code: f.code,
        name: f.name,
        unitPriceKurus: f.unitPriceKurus,
        vatRateBp: f.vatRateBp,
      })),
    })),
  };
}

function versionData(r: VersionRecord) {
  return {
    effectiveFrom: date(r.effectiveFrom),
    effectiveTo: r.effectiveTo ? date(r.effectiveTo) : null,
    fixedChargeKurus: r.fixedChargeKurus,
    fixedVatRateBp: r.fixedVatRateBp,
    waterVatRateBp: r.waterVatRateBp,
    wastewaterMode: r.wastewaterMode,
    wastewaterUnitPriceKurus: r.wastewaterUnitPriceKurus,
    wastewaterShareBp: r.wastewaterShareBp,
    wastewaterVatRateBp: r.wastewaterVatRateBp,
    minimumChargeKurus: r.minimumChargeKurus,
    latePaymentInterestBp: r.latePaymentInterestBp,
    note: r.note,
  };
}

/** Tariffs, their versions, tiers and fees; no rules here. */
@Injectable()
export class TariffsRepository {
  constructor(private readonly database: DatabaseService) {}

  async find(id: string, tx?: Tx): Promise<TariffRecord | null> {
    const t = await clientOf(this.database, tx).tariff.findUnique({ where: { id }, include });
    return t ? toRecord(t) : null;
  }

  async ofTenants(tenantIds: string[], subscriptionType?: 'INDIVIDUAL' | 'ORGANIZATIONAL'): Promise<TariffRecord[]> {
    if (!tenantIds.length) return [];
    const rows = await this.database.prisma.tariff.findMany({
      where: { tenantId: { in: tenantIds }, ...(subscriptionType ? { subscriptionType } : {}) },
      include,
    });
    return rows.map(toRecord);
  }

  /** The tenant's ancestors, nearest first (the tenant itself not included). */
  async ancestorIds(tenantId: string): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`
      SELECT a.id FROM tenant t JOIN tenant a ON a.path @> t.path AND a.id <> t.id
       WHERE t.id = ${tenantId}::uuid ORDER BY nlevel(a.path) DESC`.execute(this.database.db);
    return rows.map((r) => r.id);
  }

  /** True when `ancestorId` is an ancestor of one of `tenantIds`. */
  async isAncestorOfAny(ancestorId: string, tenantIds: string[]): Promise<boolean> {
    if (!tenantIds.length) return false;
    const { rows } = await sql<{ found: boolean }>`
      SELECT EXISTS (SELECT 1 FROM tenant a JOIN tenant t ON a.path @> t.path AND a.id <> t.id
                      WHERE a.id = ${ancestorId}::uuid AND t.id = ANY(${tenantIds}::uuid[])) AS found`.execute(this.database.db);
    return Boolean(rows[0]?.found);
  }

  async groupExists(id: string): Promise<boolean> {
    return (await this.database.prisma.subscriptionGroup.count({ where: { id } })) > 0;
  }

  async tenantTimeZone(id: string): Promise<string> {
    const t = await this.database.prisma.tenant.findUniqueOrThrow({ where: { id }, select: { timeZone: true } });
    return t.timeZone;
  }

  async create(
    tx: Tx,
    tariff: {
      tenantId: string;
      code: string;
      name: string;
      subscriptionType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
      subscriptionGroupId: string | null;
      isExample: boolean;
    },
    version: VersionRecord,
  ): Promise<string> {
    const created = await clientOf(this.database, tx).tariff.create({ data: tariff, select: { id: true } });
    await this.createVersion(tx, created.id, tariff.tenantId, version);
    return created.id;
  }

  async update(tx: Tx, id: string, data: { name?: string; isExample?: boolean }): Promise<void> {
    await clientOf(this.database, tx).tariff.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).tariff.delete({ where: { id } });
  }

  async createVersion(tx: Tx, tariffId: string, tenantId: string, r: VersionRecord): Promise<string> {
    const v = await clientOf(this.database, tx).tariffVersion.create({
      data: {
        ...versionData(r),
        tariffId,
        tenantId,
        tiers: { create: r.tiers.map((t) => ({ ...t, tenantId })) },
        fees: { create: r.fees.map((f) => ({ ...f, tenantId })) },
      },
      select: { id: true },
    });
    return v.id;
  }

  /** Replaces a version's terms, its tiers and fees included. */
  async replaceVersion(tx: Tx, id: string, tenantId: string, r: VersionRecord): Promise<void> {
    const db = clientOf(this.database, tx);
    await db.tariffTier.deleteMany({ where: { versionId: id } });
    await db.tariffFee.deleteMany({ where: { versionId: id } });
    await db.tariffVersion.update({
      where: { id },
      data: {
        ...versionData(r),
        tiers: { create: r.tiers.map((t) => ({ ...t, tenantId })) },
        fees: { create: r.fees.map((f) => ({ ...f, tenantId })) },
      },
    });
  }

  async setEffectiveTo(tx: Tx, id: string, effectiveTo: string | null): Promise<void> {
    await clientOf(this.database, tx).tariffVersion.update({
      where: { id },
      data: { effectiveTo: effectiveTo ? date(effectiveTo) : null },
    });
  }

  async deleteVersion(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).tariffVersion.delete({ where: { id } });
  }
}
