import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import type { InUseNoun } from '@water/shared';
import { DatabaseService } from '../../core/database/database.service';
import { equalsText } from '../../core/database/like';
import { foldSearch, searchTextContains } from '../../core/database/search';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';
import type {
  CreateTechnologyDto,
  CreateTechnologyFieldDto,
  CreateSubscriptionGroupDto,
  ListBrandsQueryDto,
  ListIpRatingsQueryDto,
  ListSubscriptionGroupsQueryDto,
  ListTechnologiesQueryDto,
  UpdateIpRatingDto,
  UpdateSubscriptionGroupDto,
  UpdateTechnologyDto,
  UpdateTechnologyFieldDto,
} from './definitions.dto';

export const technologyInclude = {
  fields: { orderBy: [{ sortOrder: 'asc' }, { key: 'asc' }] },
} satisfies Prisma.CommunicationTechnologyInclude;
export type TechnologyWithFields = Prisma.CommunicationTechnologyGetPayload<{ include: typeof technologyInclude }>;

export type BrandKind = 'meter' | 'device';
type BrandWhere = Prisma.MeterBrandWhereInput & Prisma.DeviceBrandWhereInput;
type BrandOrderBy = Prisma.MeterBrandOrderByWithRelationInput & Prisma.DeviceBrandOrderByWithRelationInput;

interface Paging {
  skip: number;
  take: number;
}

/** Rows of the global definition lists and what still refers to them; no rules here. */
@Injectable()
export class DefinitionsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  // ─── Brands (meter and device brands have the same shape) ─────────────────────

  async pageBrands(kind: BrandKind, q: ListBrandsQueryDto, { skip, take }: Paging) {
    const where: BrandWhere = {
      ...(q.search ? { searchText: searchTextContains(await foldSearch(this.database, q.search)) } : {}),
      ...(q.isActive !== undefined ? { isActive: q.isActive } : {}),
    };
    const orderBy: BrandOrderBy[] = [{ [q.sort]: q.order }, { id: 'asc' }];
    if (kind === 'meter') {
      const [items, total] = await Promise.all([
        this.prisma.meterBrand.findMany({ where, orderBy, skip, take }),
        this.prisma.meterBrand.count({ where }),
      ]);
      return { items, total };
    }
    const [items, total] = await Promise.all([
      this.prisma.deviceBrand.findMany({ where, orderBy, skip, take }),
      this.prisma.deviceBrand.count({ where }),
    ]);
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
    const db = clientOf(this.database, tx);
    return kind === 'meter' ? db.meterBrand.create({ data }) : db.deviceBrand.create({ data });
  }

  updateBrand(tx: Tx, kind: BrandKind, id: string, data: { name?: string; isActive?: boolean }) {
    const db = clientOf(this.database, tx);
    return kind === 'meter' ? db.meterBrand.update({ where: { id }, data }) : db.deviceBrand.update({ where: { id }, data });
  }

  async deleteBrand(tx: Tx, kind: BrandKind, id: string): Promise<void> {
    const db = clientOf(this.database, tx);
    if (kind === 'meter') await db.meterBrand.delete({ where: { id } });
    else await db.deviceBrand.delete({ where: { id } });
  }

  /** What still refers to a brand, as counts named for the 409 message. */
  async brandUsage(kind: BrandKind, id: string): Promise<Partial<Record<InUseNoun, number>>> {
    if (kind === 'meter') {
      const [profiles, meters] = await Promise.all([
        this.prisma.meterProfile.count({ where: { brandId: id } }),
        this.prisma.meter.count({ where: { brandId: id } }),
      ]);
      return { meterProfile: profiles, meter: meters };
    }
    const [profiles, devices] = await Promise.all([
      this.prisma.deviceProfile.count({ where: { brandId: id } }),
      this.prisma.device.count({ where: { brandId: id } }),
    ]);
    return { deviceProfile: profiles, device: devices };
  }

  // ─── IP ratings ───────────────────────────────────────────────────────────────

  async pageIpRatings(q: ListIpRatingsQueryDto, { skip, take }: Paging) {
    const where: Prisma.IpRatingWhereInput = q.search ? { searchText: searchTextContains(await foldSearch(this.database, q.search)) } : {};
    const orderBy: Prisma.IpRatingOrderByWithRelationInput[] =
      q.sort === 'sortOrder' ? [{ sortOrder: q.order }, { code: 'asc' }] : [{ code: q.order }];
    const [items, total] = await Promise.all([
      this.prisma.ipRating.findMany({ where, orderBy, skip, take }),
      this.prisma.ipRating.count({ where }),
    ]);
    return { items, total };
  }

  findIpRating(id: string) {
    return this.prisma.ipRating.findUnique({ where: { id } });
  }

  findIpRatingCoded(code: string, exceptId?: string) {
    return this.prisma.ipRating.findFirst({ where: { code: equalsText(code), ...(exceptId ? { NOT: { id: exceptId } } : {}) } });
  }

  createIpRating(tx: Tx, data: { code: string; description: string | null; descriptionEn: string | null; sortOrder?: number }) {
    return clientOf(this.database, tx).ipRating.create({ data });
  }

  updateIpRating(tx: Tx, id: string, data: UpdateIpRatingDto) {
    return clientOf(this.database, tx).ipRating.update({ where: { id }, data });
  }

  async deleteIpRating(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).ipRating.delete({ where: { id } });
  }

  async ipRatingUsage(id: string): Promise<Partial<Record<InUseNoun, number>>> {
    return { meterProfile: await this.prisma.meterProfile.count({ where: { ipRatingId: id } }) };
  }

  // ─── Subscription groups ──────────────────────────────────────────────────────

  async pageSubscriptionGroups(q: ListSubscriptionGroupsQueryDto, { skip, take }: Paging) {
    const where: Prisma.SubscriptionGroupWhereInput = q.search
      ? { searchText: searchTextContains(await foldSearch(this.database, q.search)) }
      : {};
    const orderBy: Prisma.SubscriptionGroupOrderByWithRelationInput[] = [{ [q.sort]: q.order }, { id: 'asc' }];
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

  createSubscriptionGroup(tx: Tx, data: CreateSubscriptionGroupDto) {
    return clientOf(this.database, tx).subscriptionGroup.create({ data });
  }

  updateSubscriptionGroup(tx: Tx, id: string, data: UpdateSubscriptionGroupDto) {
    return clientOf(this.database, tx).subscriptionGroup.update({ where: { id }, data });
  }

  async deleteSubscriptionGroup(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).subscriptionGroup.delete({ where: { id } });
  }

  async subscriptionGroupUsage(id: string): Promise<Partial<Record<InUseNoun, number>>> {
    return { subscription: await this.prisma.subscription.count({ where: { groupId: id } }) };
  }

  // ─── Communication technologies ───────────────────────────────────────────────

  async pageTechnologies(q: ListTechnologiesQueryDto, { skip, take }: Paging) {
    const where: Prisma.CommunicationTechnologyWhereInput = q.search
      ? { searchText: searchTextContains(await foldSearch(this.database, q.search)) }
      : {};
    const orderBy: Prisma.CommunicationTechnologyOrderByWithRelationInput[] =
      q.sort === 'sortOrder' ? [{ sortOrder: q.order }, { code: 'asc' }] : [{ [q.sort]: q.order }, { id: 'asc' }];
    const [items, total] = await Promise.all([
      this.prisma.communicationTechnology.findMany({ where, orderBy, skip, take, include: technologyInclude }),
      this.prisma.communicationTechnology.count({ where }),
    ]);
    return { items, total };
  }

  findTechnology(id: string, tx?: Tx): Promise<TechnologyWithFields | null> {
    return clientOf(this.database, tx).communicationTechnology.findUnique({ where: { id }, include: technologyInclude });
  }

  findTechnologyCoded(code: string, exceptId?: string) {
    return this.prisma.communicationTechnology.findFirst({
      where: { code: equalsText(code), ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    });
  }

  createTechnology(
    tx: Tx,
    technology: Omit<CreateTechnologyDto, 'fields'>,
    fields: (CreateTechnologyDto['fields'][number] & { sortOrder: number })[],
  ) {
    return clientOf(this.database, tx).communicationTechnology.create({ data: { ...technology, fields: { create: fields } } });
  }

  async updateTechnology(tx: Tx, id: string, data: UpdateTechnologyDto): Promise<void> {
    await clientOf(this.database, tx).communicationTechnology.update({ where: { id }, data });
  }

  /** Its fields go with it (cascade). */
  async deleteTechnology(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).communicationTechnology.delete({ where: { id } });
  }

  createField(tx: Tx, technologyId: string, data: CreateTechnologyFieldDto & { sortOrder: number }) {
    return clientOf(this.database, tx).communicationTechnologyField.create({ data: { ...data, technologyId } });
  }

  updateField(tx: Tx, fieldId: string, data: UpdateTechnologyFieldDto) {
    return clientOf(this.database, tx).communicationTechnologyField.update({ where: { id: fieldId }, data });
  }

  /** Stored identifiers carry the field's flag for the partial unique index. */
  async setIdentifiersUnique(tx: Tx, fieldId: string, isUnique: boolean): Promise<void> {
    await clientOf(this.database, tx).deviceIdentifier.updateMany({ where: { fieldId }, data: { isUnique } });
  }

  async deleteField(tx: Tx, fieldId: string): Promise<void> {
    await clientOf(this.database, tx).communicationTechnologyField.delete({ where: { id: fieldId } });
  }

  async technologyUsage(id: string): Promise<Partial<Record<InUseNoun, number>>> {
    const [deviceProfiles, messageScenarios, identifiers] = await Promise.all([
      this.prisma.deviceProfileTechnology.count({ where: { technologyId: id } }),
      this.prisma.messageScenario.count({ where: { technologyId: id } }),
      this.prisma.deviceIdentifier.count({ where: { field: { technologyId: id } } }),
    ]);
    return { deviceProfile: deviceProfiles, messageScenario: messageScenarios, deviceIdentifier: identifiers };
  }

  fieldIdentifierCount(fieldId: string) {
    return this.prisma.deviceIdentifier.count({ where: { fieldId } });
  }

  /** Stored identifier values of a field that a new pattern would reject (PostgreSQL regex, as the trigger checks). */
  async identifiersNotMatching(fieldId: string, pattern: string): Promise<number> {
    const rows = await this.prisma.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM device_identifier WHERE field_id = ${fieldId}::uuid AND value !~ ${pattern}`;
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
