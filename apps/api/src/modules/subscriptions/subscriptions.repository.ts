import { Injectable } from '@nestjs/common';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB, Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { matchesSearch } from '../../core/database/search';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { SubscriptionRowRecord } from './subscriptions.dto';

type Tx = Transaction;

const assetRef = { brand: { select: { name: true } } } as const;

export const subscriptionDetailInclude = {
  customer: { select: { id: true, customerType: true, tcIdNo: true, taxId: true, phone: true, email: true } },
  address: true,
  meterHistory: {
    orderBy: { startedAt: 'desc' },
    include: {
      meter: {
        include: {
          ...assetRef,
          profile: { select: { modelCode: true, meterType: true } },
          device: { include: { ...assetRef, profile: { select: { modelCode: true } } } },
        },
      },
    },
  },
} satisfies Prisma.SubscriptionInclude;
export type SubscriptionWithDetail = Prisma.SubscriptionGetPayload<{ include: typeof subscriptionDetailInclude }>;

export interface SubscriptionListFilter {
  tenantIds: string[];
  type?: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  groupId?: string;
  customerId?: string;
  hasMeter?: boolean;
  isActive?: boolean;
  search?: string;
  sort: 'subscriptionNo' | 'customer' | 'identityNo' | 'consumption' | 'createdAt';
  order: 'asc' | 'desc';
  skip: number;
  take: number;
}

type RowQuery = SelectQueryBuilder<
  DB & {
    s: DB['subscription'];
    c: DB['customer'];
    t: DB['tenant'];
    g: DB['subscription_group'];
    a: DB['address'];
    sm: DB['subscription_meter'];
    m: DB['meter'];
  },
  's' | 'c' | 't' | 'g' | 'a' | 'sm' | 'm',
  object
>;

const customerName = sql<string>`coalesce(c.organization_name, c.name || ' ' || c.surname)`;
const identityNo = sql<string | null>`CASE WHEN c.customer_type = 'ORGANIZATIONAL' THEN c.tax_id ELSE c.tc_id_no END`;
/** The last 30 days of the tenant's calendar, today included. */
const consumption30d = sql<string>`(
  SELECT coalesce(sum(d.consumption_m3), 0) FROM meter_daily_consumption d
   WHERE d.subscription_id = s.id AND d.day > (now() AT TIME ZONE t.time_zone)::date - 30)`;

@Injectable()
export class SubscriptionsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx?: Tx): Promise<SubscriptionWithDetail | null> {
    return clientOf(this.database, tx).subscription.findUnique({ where: { id }, include: subscriptionDetailInclude });
  }

  findBare(id: string, tx?: Tx) {
    return clientOf(this.database, tx).subscription.findUnique({ where: { id }, include: { _count: { select: { meterHistory: true } } } });
  }

  private rowQuery(): RowQuery {
    return this.database.db
      .selectFrom('subscription as s')
      .innerJoin('customer as c', 'c.id', 's.customer_id')
      .innerJoin('tenant as t', 't.id', 's.tenant_id')
      .innerJoin('subscription_group as g', 'g.id', 's.group_id')
      .leftJoin('address as a', 'a.id', 's.address_id')
      .leftJoin('subscription_meter as sm', (join) => join.onRef('sm.subscription_id', '=', 's.id').on('sm.ended_at', 'is', null))
      .leftJoin('meter as m', 'm.id', 'sm.meter_id');
  }

  private selectRow(q: RowQuery) {
    return q.select([
      's.id',
      's.subscription_no',
      's.tenant_id',
      't.name as tenant_name',
      's.subscription_type',
      's.group_id',
      'g.code as group_code',
      'g.name as group_name',
      'g.name_en as group_name_en',
      's.is_active',
      's.customer_id',
      'c.customer_type',
      customerName.as('customer_name'),
      identityNo.as('identity_no'),
      consumption30d.as('consumption_m3'),
      's.address_id',
      'a.street',
      'a.building_no',
      'a.door_no',
      'a.neighborhood',
      'a.district',
      'a.city',
      'a.name as address_name',
      'a.latitude',
      'a.longitude',
      'sm.meter_id',
      'm.serial_no as meter_serial_no',
      's.created_at',
    ]);
  }

  async row(id: string): Promise<SubscriptionRowRecord | undefined> {
    return await this.selectRow(this.rowQuery().where('s.id', '=', id)).executeTakeFirst();
  }

  async page(f: SubscriptionListFilter): Promise<{ rows: SubscriptionRowRecord[]; total: number }> {
    if (f.tenantIds.length === 0) return { rows: [], total: 0 };
    const filtered = this.rowQuery()
      .where('s.tenant_id', 'in', f.tenantIds)
      .$if(Boolean(f.type), (q) => q.where('s.subscription_type', '=', f.type!))
      .$if(Boolean(f.groupId), (q) => q.where('s.group_id', '=', f.groupId!))
      .$if(Boolean(f.customerId), (q) => q.where('s.customer_id', '=', f.customerId!))
      .$if(f.hasMeter !== undefined, (q) => q.where('sm.id', f.hasMeter ? 'is not' : 'is', null))
      .$if(f.isActive !== undefined, (q) => q.where('s.is_active', '=', f.isActive!))
      .$if(Boolean(f.search), (q) => {
        const term = f.search!;
        return q.where((eb) =>
          eb.or([
            matchesSearch('subscription', 's.id', term),
            matchesSearch('customer', 'c.id', term),
            matchesSearch('meter', 'm.id', term),
            matchesSearch('address', 'a.id', term),
          ]),
        );
      });
    const sortExpr = {
      subscriptionNo: sql`s.subscription_no`,
      customer: customerName,
      identityNo,
      consumption: consumption30d,
      createdAt: sql`s.created_at`,
    }[f.sort];
    const [rows, count] = await Promise.all([
      this.selectRow(filtered)
        .orderBy(sortExpr, (ob) => (f.order === 'desc' ? ob.desc() : ob.asc()).nullsLast())
        .orderBy('s.id')
        .offset(f.skip)
        .limit(f.take)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows, total: Number(count.n) };
  }

  groupExists(id: string) {
    return this.prisma.subscriptionGroup.findUnique({ where: { id }, select: { id: true } });
  }

  numberTaken(tenantId: string, subscriptionNo: string, exceptId: string | null, tx?: Tx) {
    return clientOf(this.database, tx).subscription.findFirst({
      where: { tenantId, subscriptionNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      select: { id: true },
    });
  }

  async create(tx: Tx, data: Prisma.SubscriptionUncheckedCreateInput): Promise<string> {
    return (await clientOf(this.database, tx).subscription.create({ data })).id;
  }

  async update(tx: Tx, id: string, data: Prisma.SubscriptionUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).subscription.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).subscription.delete({ where: { id } });
  }

  /** Ends a meter period. */
  async closePeriod(tx: Tx, periodId: string, endedAt: Date, finalIndexM3: number): Promise<void> {
    await clientOf(this.database, tx).subscriptionMeter.update({ where: { id: periodId }, data: { endedAt, finalIndexM3 } });
  }

  /** Starts a meter period; returns its id. */
  async openPeriodFor(
    tx: Tx,
    data: { tenantId: string; subscriptionId: string; meterId: string; startedAt: Date; initialIndexM3: number },
  ): Promise<string> {
    return (await clientOf(this.database, tx).subscriptionMeter.create({ data })).id;
  }

  openPeriod(subscriptionId: string, tx: Tx) {
    return clientOf(this.database, tx).subscriptionMeter.findFirst({
      where: { subscriptionId, endedAt: null },
      include: { meter: { select: { serialNo: true, lastIndexM3: true } } },
    });
  }

  meterForAssignment(meterId: string, tx: Tx) {
    return clientOf(this.database, tx).meter.findUnique({
      where: { id: meterId },
      select: { id: true, tenantId: true, serialNo: true, lastIndexM3: true, initialIndexM3: true },
    });
  }

  /** The subscription a meter serves now, if any. */
  servingPeriod(meterId: string, tx: Tx) {
    return clientOf(this.database, tx).subscriptionMeter.findFirst({
      where: { meterId, endedAt: null },
      include: { subscription: { select: { id: true, subscriptionNo: true } } },
    });
  }

  lastClosedPeriodOfMeter(meterId: string, tx: Tx) {
    return clientOf(this.database, tx).subscriptionMeter.findFirst({
      where: { meterId, endedAt: { not: null } },
      orderBy: { endedAt: 'desc' },
    });
  }

  /** The meter's last reading at or before `at` and not before `since`. */
  lastReadingIndex(meterId: string, since: Date, at: Date, tx: Tx) {
    return clientOf(this.database, tx).reading.findFirst({
      where: { meterId, time: { gte: since, lte: at } },
      orderBy: { time: 'desc' },
      select: { indexM3: true, time: true },
    });
  }
}
