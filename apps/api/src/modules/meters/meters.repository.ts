import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { matchesSearch } from '../../core/database/search';
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

  /** The brands of the meters of these tenants, by name. */
  async brandsInUse(tenantIds: string[]): Promise<{ id: string; name: string }[]> {
    if (tenantIds.length === 0) return [];
    return this.database.db
      .selectFrom('meter_brand as b')
      .select(['b.id', 'b.name'])
      .where((eb) =>
        eb.exists(eb.selectFrom('meter as m').select('m.id').whereRef('m.brand_id', '=', 'b.id').where('m.tenant_id', 'in', tenantIds)),
      )
      .orderBy('b.name')
      .execute();
  }

  /**
   * One page of meters and the total. The filters run in Kysely (the search through water_search_ids,
   * which the trigram index serves under row-level security), the rows are read by id through Prisma.
   */
  async page(tenantIds: string[], q: ListMetersQuery, skip: number, take: number) {
    if (tenantIds.length === 0) return { items: [], total: 0 };
    const s = q.search;
    const base = this.database.db
      .selectFrom('meter as m')
      .where('m.tenant_id', 'in', tenantIds)
      .$if(Boolean(q.status), (qb) => qb.where('m.status', '=', q.status!))
      .$if(Boolean(q.brandId), (qb) => qb.where('m.brand_id', '=', q.brandId!))
      .$if(Boolean(q.meterProfileId), (qb) => qb.where('m.meter_profile_id', '=', q.meterProfileId!))
      .$if(q.hasDevice !== undefined, (qb) =>
        qb.where((eb) => {
          const device = eb.exists(eb.selectFrom('device as d').select('d.id').whereRef('d.meter_id', '=', 'm.id'));
          return q.hasDevice ? device : eb.not(device);
        }),
      )
      .$if(q.hasSubscription !== undefined, (qb) =>
        qb.where((eb) => {
          const open = eb.exists(
            eb.selectFrom('subscription_meter as sm').select('sm.id').whereRef('sm.meter_id', '=', 'm.id').where('sm.ended_at', 'is', null),
          );
          return q.hasSubscription ? open : eb.not(open);
        }),
      )
      .$if(Boolean(s), (qb) =>
        qb.where((eb) =>
          eb.or([
            matchesSearch('meter', 'm.id', s!),
            eb.exists(
              eb
                .selectFrom('device as d')
                .select('d.id')
                .whereRef('d.meter_id', '=', 'm.id')
                .where(matchesSearch('device', 'd.id', s!)),
            ),
            eb.exists(
              eb
                .selectFrom('subscription_meter as sm')
                .select('sm.id')
                .whereRef('sm.meter_id', '=', 'm.id')
                .where('sm.ended_at', 'is', null)
                .where(matchesSearch('subscription', 'sm.subscription_id', s!)),
            ),
          ]),
        ),
      );
    const column = {
      serialNo: 'm.serial_no',
      status: 'm.status',
      installedAt: 'm.installed_at',
      lastReadingAt: 'm.last_reading_at',
      lastIndexM3: 'm.last_index_m3',
      createdAt: 'm.created_at',
    } as const;
    const nullable = ['installedAt', 'lastReadingAt', 'lastIndexM3'].includes(q.sort);
    const [rows, count] = await Promise.all([
      base
        .select('m.id')
        .orderBy(column[q.sort], (ob) => {
          const directed = q.order === 'desc' ? ob.desc() : ob.asc();
          return nullable ? directed.nullsLast() : directed;
        })
        .orderBy('m.id')
        .offset(skip)
        .limit(take)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((r) => r.id);
    const found = new Map((await this.prisma.meter.findMany({ where: { id: { in: ids } }, include: meterInclude })).map((m) => [m.id, m]));
    return { items: ids.flatMap((id) => found.get(id) ?? []), total: Number(count.n) };
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
