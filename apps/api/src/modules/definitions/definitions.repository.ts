import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { equalsText } from '../../core/database/like';

export type Tx = Prisma.TransactionClient;

export const technologyInclude = { fields: { orderBy: [{ sortOrder: 'asc' }, { key: 'asc' }] } } satisfies Prisma.CommunicationTechnologyInclude;
export type TechnologyWithFields = Prisma.CommunicationTechnologyGetPayload<{ include: typeof technologyInclude }>;

export type BrandKind = 'meter' | 'device';
export type BrandWhere = Prisma.MeterBrandWhereInput & Prisma.DeviceBrandWhereInput;
export type BrandOrderBy = Prisma.MeterBrandOrderByWithRelationInput & Prisma.DeviceBrandOrderByWithRelationInput;

interface Paging {
  skip: number;
  take: number;
}

/** Rows of the global definition lists and what still refers to them; no rules here. */
@Injectable()
export class DefinitionsRepository {
  constructor(private readonly database: DatabaseService) {}

  get prisma() {
    return this.database.prisma;
  }

  // ─── Brands (meter and device brands have the same shape) ─────────────────────

  async pageBrands(kind: BrandKind, where: BrandWhere, orderBy: BrandOrderBy[], { skip, take }: Paging) {
    if (kind === 'meter') {
      const [items, total] = await Promise.all([this.prisma.meterBrand.findMany({ where, orderBy, skip, take }), this.prisma.meterBrand.count({ where })]);
      return { items, total };
    }
    const [items, total] = await Promise.all([this.prisma.deviceBrand.findMany({ where, orderBy, skip, take }), this.prisma.deviceBrand.count({ where })]);
    return { items, total };
  }

  findBrand(kind: BrandKind, id: string) {
    return kind === 'meter' ? this.prisma.meterBrand.findUnique({ where: { id } }) : this.prisma.deviceBrand.findUnique({ where: { id } });
  }

  /** Another brand of the same kind spelled the same way, ignoring case. */
  findBrandNamed(kind: BrandKind, name: string, exceptId?: string) {
    const where = { name: equalsText(name), ...(exceptId ? { NOT: { id: exceptId } } : {}) };
    return kind === 'meter' ? this.prisma.meterBrand.findFirst({ where }) : this.prisma.deviceBrand.findFirst({ where });
  }

  createBrand(tx: Tx, kind: BrandKind, data: { name: string; isActive: boolean }) {
    return kind === 'meter' ? tx.meterBrand.create({ data }) : tx.deviceBrand.create({ data });
  }

  updateBrand(tx: Tx, kind: BrandKind, id: string, data: { name?: string; isActive?: boolean }) {
    return kind === 'meter' ? tx.meterBrand.update({ where: { id }, data }) : tx.deviceBrand.update({ where: { id }, data });
  }

  async deleteBrand(tx: Tx, kind: BrandKind, id: string): Promise<void> {
    if (kind === 'meter') await tx.meterBrand.delete({ where: { id } });
    else await tx.deviceBrand.delete({ where: { id } });
  }

  /** What still refers to a brand, as counts named for the 409 message. */
  async brandUsage(kind: BrandKind, id: string): Promise<Record<string, number>> {
    if (kind === 'meter') {
      const [profiles, meters] = await Promise.all([this.prisma.meterProfile.count({ where: { brandId: id } }), this.prisma.meter.count({ where: { brandId: id } })]);
      return { 'meter profile': profiles, meter: meters };
    }
    const [profiles, devices] = await Promise.all([this.prisma.deviceProfile.count({ where: { brandId: id } }), this.prisma.device.count({ where: { brandId: id } })]);
    return { 'device profile': profiles, device: devices };
  }

  // ─── IP ratings ───────────────────────────────────────────────────────────────

  async pageIpRatings(where: Prisma.IpRatingWhereInput, orderBy: Prisma.IpRatingOrderByWithRelationInput[], { skip, take }: Paging) {
    const [items, total] = await Promise.all([this.prisma.ipRating.findMany({ where, orderBy, skip, take }), this.prisma.ipRating.count({ where })]);
    return { items, total };
  }

  findIpRating(id: string) {
    return this.prisma.ipRating.findUnique({ where: { id } });
  }

  findIpRatingCoded(code: string, exceptId?: string) {
    return this.prisma.ipRating.findFirst({ where: { code: equalsText(code), ...(exceptId ? { NOT: { id: exceptId } } : {}) } });
  }

  async ipRatingUsage(id: string): Promise<Record<string, number>> {
    return { 'meter profile': await this.prisma.meterProfile.count({ where: { ipRatingId: id } }) };
  }

  // ─── Subscription groups ──────────────────────────────────────────────────────

  async pageSubscriptionGroups(where: Prisma.SubscriptionGroupWhereInput, orderBy: Prisma.SubscriptionGroupOrderByWithRelationInput[], { skip, take }: Paging) {
    const [items, total] = await Promise.all([
      this.prisma.subscriptionGroup.findMany({ where, orderBy, skip, take }),
      this.prisma.subscriptionGroup.count({ where }),
    ]);
    return { items, total };
  }

  findSubscriptionGroup(id: string) {
    return this.prisma.subscriptionGroup.findUnique({ where: { id } });
  }

  findSubscriptionGroupCoded(code: string, exceptId?: string) {
    return this.prisma.subscriptionGroup.findFirst({ where: { code: equalsText(code), ...(exceptId ? { NOT: { id: exceptId } } : {}) } });
  }

  async subscriptionGroupUsage(id: string): Promise<Record<string, number>> {
    return { subscription: await this.prisma.subscription.count({ where: { groupId: id } }) };
  }

  // ─── Communication technologies ───────────────────────────────────────────────

  async pageTechnologies(where: Prisma.CommunicationTechnologyWhereInput, orderBy: Prisma.CommunicationTechnologyOrderByWithRelationInput[], { skip, take }: Paging) {
    const [items, total] = await Promise.all([
      this.prisma.communicationTechnology.findMany({ where, orderBy, skip, take, include: technologyInclude }),
      this.prisma.communicationTechnology.count({ where }),
    ]);
    return { items, total };
  }

  findTechnology(id: string, tx: Tx = this.prisma): Promise<TechnologyWithFields | null> {
    return tx.communicationTechnology.findUnique({ where: { id }, include: technologyInclude });
  }

  findTechnologyCoded(code: string, exceptId?: string) {
    return this.prisma.communicationTechnology.findFirst({ where: { code: equalsText(code), ...(exceptId ? { NOT: { id: exceptId } } : {}) } });
  }

  async technologyUsage(id: string): Promise<Record<string, number>> {
    const [deviceProfiles, messageScenarios, identifiers] = await Promise.all([
      this.prisma.deviceProfileTechnology.count({ where: { technologyId: id } }),
      this.prisma.messageScenario.count({ where: { technologyId: id } }),
      this.prisma.deviceIdentifier.count({ where: { field: { technologyId: id } } }),
    ]);
    return { 'device profile': deviceProfiles, 'message scenario': messageScenarios, 'device identifier': identifiers };
  }

  fieldIdentifierCount(fieldId: string) {
    return this.prisma.deviceIdentifier.count({ where: { fieldId } });
  }

  /** Stored identifier values of a field that a new pattern would reject (PostgreSQL regex, as the trigger checks). */
  async identifiersNotMatching(fieldId: string, pattern: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM device_identifier WHERE field_id = ${fieldId}::uuid AND value !~ ${pattern}`;
    return rows[0]?.n ?? 0;
  }

  /** The message PostgreSQL gives when it cannot compile the pattern, or null when it can. */
  async databaseRegexError(pattern: string): Promise<string | null> {
    try {
      await this.database.pool.query(`SELECT '' ~ $1`, [pattern]);
      return null;
    } catch (e) {
      const err = e as { code?: string; message?: string };
      if (err.code === '2201B') return err.message ?? 'invalid regular expression';
      throw e;
    }
  }
}
