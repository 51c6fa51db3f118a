import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { foldSearch, searchTextContains } from '../../core/database/search';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';
import type { ListMetersQuery } from './meters.dto';

const named = { select: { name: true } } as const;

export const meterInclude = {
  tenant: { select: { name: true, timeZone: true } },
  brand: named,
  profile: { include: { ipRating: { select: { code: true } } } },
  device: { include: { brand: named, profile: { select: { modelCode: true, expectedIntervalMinutes: true } } } },
  subscriptions: {
    orderBy: { startedAt: 'desc' },
    include: {
      subscription: {
        select: {
          id: true,
          subscriptionNo: true,
          address: true,
          customer: { select: { id: true, customerType: true, name: true, surname: true, organizationName: true } },
        },
      },
    },
  },
} satisfies Prisma.MeterInclude;
export type MeterWithDetail = Prisma.MeterGetPayload<{ include: typeof meterInclude }>;

/** Meter rows and the profile facts the meter rules need (read-only queries of their own). */
@Injectable()
export class MetersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx?: Tx): Promise<MeterWithDetail | null> {
    return clientOf(this.database, tx).meter.findUnique({ where: { id }, include: meterInclude });
  }

  async page(tenantIds: string[], q: ListMetersQuery, skip: number, take: number) {
    const s = q.search ? searchTextContains(await foldSearch(this.database, q.search)) : undefined;
    const where: Prisma.MeterWhereInput = {
      tenantId: { in: tenantIds },
      ...(q.status ? { status: q.status } : {}),
      ...(q.brandId ? { brandId: q.brandId } : {}),
      ...(q.meterProfileId ? { meterProfileId: q.meterProfileId } : {}),
      ...(q.hasDevice !== undefined ? { device: q.hasDevice ? { isNot: null } : { is: null } } : {}),
      ...(q.hasSubscription !== undefined
        ? { subscriptions: q.hasSubscription ? { some: { endedAt: null } } : { none: { endedAt: null } } }
        : {}),
      ...(s
        ? {
            OR: [
              { searchText: s },
              { device: { searchText: s } },
              { subscriptions: { some: { endedAt: null, subscription: { searchText: s } } } },
            ],
          }
        : {}),
    };
    const nullable = ['installedAt', 'lastReadingAt', 'lastIndexM3'].includes(q.sort);
    const orderBy: Prisma.MeterOrderByWithRelationInput[] = [
      nullable ? { [q.sort]: { sort: q.order, nulls: 'last' } } : { [q.sort]: q.order },
      { id: 'asc' },
    ];
    const [items, total] = await Promise.all([
      this.prisma.meter.findMany({ where, orderBy, skip, take, include: meterInclude }),
      this.prisma.meter.count({ where }),
    ]);
    return { items, total };
  }

  /** The meter profile if the tenant may use it: the root tenant uses every profile, others their allowed ones. */
  async usableProfile(tenantId: string, meterProfileId: string, tx?: Tx): Promise<{ id: string; brandId: string } | null> {
    const tenant = await clientOf(this.database, tx).tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
    if (!tenant) return null;
    if (tenant.parentId === null)
      return clientOf(this.database, tx).meterProfile.findUnique({ where: { id: meterProfileId }, select: { id: true, brandId: true } });
    const allowed = await clientOf(this.database, tx).tenantMeterProfile.findUnique({
      where: { tenantId_meterProfileId: { tenantId, meterProfileId } },
      select: { meterProfile: { select: { id: true, brandId: true } } },
    });
    return allowed?.meterProfile ?? null;
  }

  serialTaken(brandId: string, serialNo: string, exceptId: string | null, tx?: Tx) {
    return clientOf(this.database, tx).meter.findFirst({
      where: { brandId, serialNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      select: { id: true },
    });
  }

  create(tx: Tx, data: Prisma.MeterUncheckedCreateInput): Promise<{ id: string; serialNo: string }> {
    return clientOf(this.database, tx).meter.create({ data, select: { id: true, serialNo: true } });
  }

  async update(tx: Tx, id: string, data: Prisma.MeterUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).meter.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).meter.delete({ where: { id } });
  }

  async hasReadings(meterId: string, tx?: Tx): Promise<boolean> {
    return Boolean(await clientOf(this.database, tx).reading.findFirst({ where: { meterId }, select: { time: true } }));
  }
}
