import { Injectable } from '@nestjs/common';
import { sql, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB } from '@water/db';
import type { AlarmType, AssetStatus } from '@water/shared';
import { DatabaseService } from '../../core/database/database.service';
import type { BBox, MapAreaRecord, MapMarkerRecord, MapSearchRecord, OutOfServiceRecord, UsageRecord } from './dashboard.dto';
import { matchesSearch, type SearchedTable } from '../../core/database/search';

/*
 * Dashboard aggregates. They read the daily rollups (tenant_daily_consumption for fleet totals,
 * meter_daily_consumption for a subscription's today), the alarm indexes and
 * the denormalised last state of meters and devices; none of them scans `reading`, so they stay fast
 * at tens of millions of readings. Plain PostgreSQL: no TimescaleDB function is used.
 */

/** "Today" of a tenant: the local calendar day in its time zone (BRIEF-NOTES: days follow the tenant's zone). */
const localToday = (timeZoneColumn: string) => sql<Date>`(now() AT TIME ZONE ${sql.ref(timeZoneColumn)})::date`;

/**
 * The earliest "today" among the tenants, as a scalar subquery: PostgreSQL evaluates it once (an
 * InitPlan) and can use it as an index bound on (tenant_id, day), where a per-row expression could not.
 */
const earliestToday = (tenantIds: string[]) =>
  sql<Date>`(SELECT min((now() AT TIME ZONE time_zone)::date) FROM tenant WHERE id IN (${sql.join(tenantIds)}))`;
const latestToday = (tenantIds: string[]) =>
  sql<Date>`(SELECT max((now() AT TIME ZONE time_zone)::date) FROM tenant WHERE id IN (${sql.join(tenantIds)}))`;

/**
 * A marker stands at the subscription's address when it has coordinates, else at its customer's
 * (aliases `sa` and `ca`); these read the field of that same address.
 */
const markerLat = sql<string>`coalesce(sa.latitude, ca.latitude)`;
const markerLng = sql<string>`coalesce(sa.longitude, ca.longitude)`;
const markerAddress = (column: string) =>
  sql<string | null>`CASE WHEN sa.latitude IS NOT NULL THEN ${sql.ref(`sa.${column}`)} ELSE ${sql.ref(`ca.${column}`)} END`;
const customerName = sql<string>`coalesce(c.organization_name, c.name || ' ' || c.surname)`;

export interface MapFilter {
  tenantIds: string[];
  bbox?: BBox;
  /** Open alarm types that paint a marker red. */
  redTypes: readonly AlarmType[];
  /** A device is silent after this many expected intervals without an uplink. */
  graceFactor: number;
  limit: number;
}

export interface OutOfServiceFilter {
  tenantIds: string[];
  statuses: readonly AssetStatus[];
  search?: string;
  sort: 'status' | 'serialNo' | 'lastSeenAt' | 'tenant';
  order: 'asc' | 'desc';
  skip: number;
  take: number;
}

@Injectable()
export class DashboardRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  async totals(tenantIds: string[]): Promise<{ subscriptions: number; meters: number; devices: number }> {
    if (tenantIds.length === 0) return { subscriptions: 0, meters: 0, devices: 0 };
    const row = await this.db
      .selectNoFrom((eb) => [
        eb.selectFrom('subscription').select(eb.fn.countAll<string>().as('n')).where('tenant_id', 'in', tenantIds).as('subscriptions'),
        eb.selectFrom('meter').select(eb.fn.countAll<string>().as('n')).where('tenant_id', 'in', tenantIds).as('meters'),
        eb.selectFrom('device').select(eb.fn.countAll<string>().as('n')).where('tenant_id', 'in', tenantIds).as('devices'),
      ])
      .executeTakeFirstOrThrow();
    return { subscriptions: Number(row.subscriptions), meters: Number(row.meters), devices: Number(row.devices) };
  }

  /**
   * m³ over `days` days before today plus today, and today alone; each tenant in its own zone. The
   * `estimated` figures are the part of each that came from estimated readings.
   */
  async consumption(
    tenantIds: string[],
    days: number,
  ): Promise<{ total: string; today: string; totalEstimated: string; todayEstimated: string }> {
    if (tenantIds.length === 0) return { total: '0', today: '0', totalEstimated: '0', todayEstimated: '0' };
    const today = localToday('t.time_zone');
    return (
      this.db
        .selectFrom('tenant_daily_consumption as dc')
        .innerJoin('tenant as t', 't.id', 'dc.tenant_id')
        .select([
          sql<string>`coalesce(sum(dc.consumption_m3), 0)`.as('total'),
          sql<string>`coalesce(sum(dc.consumption_m3) FILTER (WHERE dc.day = ${today}), 0)`.as('today'),
          sql<string>`coalesce(sum(dc.estimated_m3), 0)`.as('totalEstimated'),
          sql<string>`coalesce(sum(dc.estimated_m3) FILTER (WHERE dc.day = ${today}), 0)`.as('todayEstimated'),
        ])
        .where('dc.tenant_id', 'in', tenantIds)
        // The first bound is the index range, the second the exact per-tenant window.
        .where('dc.day', '>=', sql<Date>`${earliestToday(tenantIds)} - ${days}::int`)
        .where('dc.day', '>=', sql<Date>`${today} - ${days}::int`)
        .where('dc.day', '<=', today)
        .executeTakeFirstOrThrow()
    );
  }

  async statusCounts(table: 'meter' | 'device', tenantIds: string[]): Promise<{ status: AssetStatus; n: string }[]> {
    if (tenantIds.length === 0) return [];
    return this.db
      .selectFrom(table)
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('tenant_id', 'in', tenantIds)
      .where('status', '!=', 'ACTIVE')
      .groupBy('status')
      .execute();
  }

  /**
   * Daily fleet consumption for the `days` days ending on the scope's today, zero-filled. When tenants
   * of different zones are mixed, the window ends on the latest of their todays. `estimated` is the
   * part of a day's m³ that came from estimated readings.
   */
  async usage(tenantIds: string[], days: number): Promise<UsageRecord[]> {
    if (tenantIds.length === 0) return [];
    const { rows } = await sql<UsageRecord>`
      WITH daily AS (
        SELECT dc.day, sum(dc.consumption_m3) AS m3, sum(dc.estimated_m3) AS estimated
          FROM tenant_daily_consumption dc
         WHERE dc.tenant_id IN (${sql.join(tenantIds)})
           AND dc.day > ${latestToday(tenantIds)} - ${days}::int
           AND dc.day <= ${latestToday(tenantIds)}
         GROUP BY dc.day
      )
      SELECT to_char(g.day, 'YYYY-MM-DD') AS day, daily.m3, daily.estimated
        FROM generate_series(${latestToday(tenantIds)} - (${days}::int - 1), ${latestToday(tenantIds)}, interval '1 day') AS g(day)
        LEFT JOIN daily ON daily.day = g.day::date
       ORDER BY g.day
    `.execute(this.db);
    return rows;
  }

  /**
   * One row per subscription with coordinates, its map colour decided here in one statement:
   *  - RED: an open alarm of a red type;
   *  - ORANGE: an open HIGH_USAGE alarm, or today's consumption above the group's daily threshold;
   *  - GREY: an open NO_SIGNAL alarm, or the device silent for graceFactor × its expected interval;
   *  - NO_DEVICE: no active meter, or a meter without a device (issue #21): no way to report, so not
   *    green, but not "no signal" either; drawn grey by the console and counted apart.
   *  - GREEN otherwise.
   * An open alarm counts for the subscription it was raised for, else for the subscription its meter
   * serves now (NO_SIGNAL raised while the meter was unassigned).
   */
  async mapMarkers(f: MapFilter): Promise<MapMarkerRecord[]> {
    if (f.tenantIds.length === 0) return [];
    const ids = f.tenantIds;
    const alarmSubscription = sql<string>`coalesce(a.subscription_id, am.subscription_id)`;
    const types = sql.ref('oa.types');
    const silent = sql<boolean>`(dv.id IS NOT NULL AND (dv.last_seen_at IS NULL
      OR dv.last_seen_at < now() - dp.expected_interval_minutes * ${f.graceFactor}::float8 * interval '1 minute'))`;
    const overThreshold = sql<boolean>`coalesce(td.m3, 0) > g.daily_threshold_m3`;
    const status = sql<MapMarkerRecord['status']>`CASE
      WHEN ${types} && ${sql.val([...f.redTypes])}::text[] THEN 'RED'
      WHEN 'HIGH_USAGE' = ANY(${types}) OR ${overThreshold} THEN 'ORANGE'
      WHEN 'NO_SIGNAL' = ANY(${types}) OR ${silent} THEN 'GREY'
      WHEN dv.id IS NULL THEN 'NO_DEVICE'
      ELSE 'GREEN' END`;
    const lat = markerLat;
    const lng = markerLng;
    const box = f.bbox;

    const rows = await this.db
      // Open alarms are few and served by the partial index alarm_open_by_tenant.
      .with(
        (cte) => cte('oa').materialized(),
        (db) =>
          db
            .selectFrom('alarm as a')
            .leftJoin('subscription_meter as am', (j) => j.onRef('am.meter_id', '=', 'a.meter_id').on('am.ended_at', 'is', null))
            .select([
              alarmSubscription.as('subscription_id'),
              // text[]: node-postgres parses text arrays but not arrays of the alarm_type enum.
              sql<AlarmType[]>`array_agg(DISTINCT a.type)::text[]`.as('types'),
            ])
            .where('a.tenant_id', 'in', ids)
            .where('a.cleared_at', 'is', null)
            .groupBy(alarmSubscription),
      )
      // Materialised, and the day bounded on both sides by scalar subqueries: otherwise PostgreSQL may
      // estimate "day >= $x" at a third of the table, seq-scan it, and do so once per subscription in a
      // nested loop (B5 map: 2.9 s at 10.5M readings instead of ~13 ms, docs/benchmarks.md).
      .with(
        (cte) => cte('td').materialized(),
        (db) =>
          db
            .selectFrom('meter_daily_consumption as dc')
            .innerJoin('tenant as tt', 'tt.id', 'dc.tenant_id')
            .select(['dc.subscription_id', sql<string>`sum(dc.consumption_m3)`.as('m3')])
            .where('dc.tenant_id', 'in', ids)
            .where('dc.day', '>=', earliestToday(ids))
            .where('dc.day', '<=', latestToday(ids))
            .where('dc.day', '=', localToday('tt.time_zone'))
            .where('dc.subscription_id', 'is not', null)
            .groupBy('dc.subscription_id'),
      )
      .selectFrom('subscription as s')
      .innerJoin('customer as c', 'c.id', 's.customer_id')
      .innerJoin('subscription_group as g', 'g.id', 's.group_id')
      .leftJoin('address as sa', 'sa.id', 's.address_id')
      .leftJoin('address as ca', 'ca.id', 'c.address_id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.subscription_id', '=', 's.id').on('sm.ended_at', 'is', null))
      .leftJoin('meter as m', 'm.id', 'sm.meter_id')
      .leftJoin('device as dv', 'dv.meter_id', 'm.id')
      .leftJoin('device_profile as dp', 'dp.id', 'dv.device_profile_id')
      .leftJoin('oa', 'oa.subscription_id', 's.id')
      .leftJoin('td', 'td.subscription_id', 's.id')
      .select([
        's.id as subscription_id',
        's.subscription_no',
        's.tenant_id',
        lat.as('lat'),
        lng.as('lng'),
        status.as('status'),
        'oa.types as alarm_types',
        overThreshold.as('over_threshold'),
        silent.as('silent'),
        customerName.as('customer_name'),
        'm.serial_no as meter_serial_no',
        'm.last_reading_at',
        'td.m3 as today_m3',
        markerAddress('district').as('district'),
        markerAddress('neighborhood').as('neighborhood'),
      ])
      .where('s.tenant_id', 'in', ids)
      .where(lat, 'is not', null)
      .$if(Boolean(box), (q) =>
        q
          .where(lng, '>=', String(box!.minLng))
          .where(lng, '<=', String(box!.maxLng))
          .where(lat, '>=', String(box!.minLat))
          .where(lat, '<=', String(box!.maxLat)),
      )
      .orderBy('s.tenant_id')
      .orderBy('s.subscription_no')
      .limit(f.limit + 1)
      .execute();
    return rows;
  }

  /**
   * Subscriptions on the map (with coordinates) whose number, customer or address matches `term`
   * under the one search rule; an exact subscription number first.
   */
  async mapSearch(tenantIds: string[], term: string, limit: number): Promise<MapSearchRecord[]> {
    if (tenantIds.length === 0) return [];
    return await this.db
      .selectFrom('subscription as s')
      .innerJoin('customer as c', 'c.id', 's.customer_id')
      .leftJoin('address as sa', 'sa.id', 's.address_id')
      .leftJoin('address as ca', 'ca.id', 'c.address_id')
      .select([
        's.id as subscription_id',
        's.subscription_no',
        's.tenant_id',
        customerName.as('customer_name'),
        markerAddress('street').as('street'),
        markerAddress('building_no').as('building_no'),
        markerAddress('door_no').as('door_no'),
        markerAddress('neighborhood').as('neighborhood'),
        markerAddress('district').as('district'),
        markerAddress('city').as('city'),
        markerAddress('name').as('address_name'),
        markerLat.as('lat'),
        markerLng.as('lng'),
      ])
      .where('s.tenant_id', 'in', tenantIds)
      .where(markerLat, 'is not', null)
      .where((eb) =>
        eb.or([
          matchesSearch('subscription', 's.id', term),
          matchesSearch('customer', 'c.id', term),
          matchesSearch('address', 'sa.id', term),
          matchesSearch('address', 'ca.id', term),
        ]),
      )
      .orderBy(sql`s.search_text = water_fold(${term})`, 'desc')
      .orderBy('s.subscription_no')
      .orderBy('s.id')
      .limit(limit)
      .execute();
  }

  /** Subscriptions on the map per district and neighbourhood of the address they stand at. */
  async mapAreas(tenantIds: string[]): Promise<MapAreaRecord[]> {
    if (tenantIds.length === 0) return [];
    const district = markerAddress('district');
    const neighborhood = markerAddress('neighborhood');
    const rows = await this.db
      .selectFrom('subscription as s')
      .innerJoin('customer as c', 'c.id', 's.customer_id')
      .leftJoin('address as sa', 'sa.id', 's.address_id')
      .leftJoin('address as ca', 'ca.id', 'c.address_id')
      .select([district.as('district'), neighborhood.as('neighborhood'), (eb) => eb.fn.countAll<string>().as('n')])
      .where('s.tenant_id', 'in', tenantIds)
      .where(markerLat, 'is not', null)
      .where(district, 'is not', null)
      .groupBy([district, neighborhood])
      .execute();
    return rows as MapAreaRecord[];
  }

  async outOfServiceMeters(f: OutOfServiceFilter): Promise<{ rows: OutOfServiceRecord[]; total: number }> {
    if (f.tenantIds.length === 0) return { rows: [], total: 0 };
    const base = this.db
      .selectFrom('meter as x')
      .innerJoin('meter_brand as b', 'b.id', 'x.brand_id')
      .innerJoin('meter_profile as p', 'p.id', 'x.meter_profile_id')
      .leftJoin('device as l', 'l.meter_id', 'x.id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.meter_id', '=', 'x.id').on('sm.ended_at', 'is', null));
    return this.outOfServicePage(base, f, sql`x.last_reading_at`, { x: 'meter', l: 'device' });
  }

  async outOfServiceDevices(f: OutOfServiceFilter): Promise<{ rows: OutOfServiceRecord[]; total: number }> {
    if (f.tenantIds.length === 0) return { rows: [], total: 0 };
    const base = this.db
      .selectFrom('device as x')
      .innerJoin('device_brand as b', 'b.id', 'x.brand_id')
      .innerJoin('device_profile as p', 'p.id', 'x.device_profile_id')
      .leftJoin('meter as l', 'l.id', 'x.meter_id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.meter_id', '=', 'x.meter_id').on('sm.ended_at', 'is', null));
    return this.outOfServicePage(base, f, sql`x.last_seen_at`, { x: 'device', l: 'meter' });
  }

  /** Meters and devices share the shape: x is the asset, l the linked one, sm its open subscription period. */
  private async outOfServicePage(
    base: OutOfServiceBase,
    f: OutOfServiceFilter,
    lastSeen: RawBuilder<unknown>,
    searched: { x: SearchedTable; l: SearchedTable },
  ) {
    const filtered = base
      .innerJoin('tenant as t', 't.id', 'x.tenant_id')
      .leftJoin('subscription as s', 's.id', 'sm.subscription_id')
      .leftJoin('customer as c', 'c.id', 's.customer_id')
      .leftJoin('address as a', (j) => j.on(sql<boolean>`a.id = coalesce(s.address_id, c.address_id)`))
      .where('x.tenant_id', 'in', f.tenantIds)
      .where('x.status', 'in', [...f.statuses])
      .$if(Boolean(f.search), (q) => {
        const term = f.search!;
        return q.where((eb: ExpressionBuilder<OutOfServiceTables, 'x' | 'l' | 's'>) =>
          eb.or([
            matchesSearch(searched.x, 'x.id', term),
            matchesSearch(searched.l, 'l.id', term),
            matchesSearch('subscription', 's.id', term),
          ]),
        );
      });
    const sortExpr = { status: sql`x.status`, serialNo: sql`x.serial_no`, lastSeenAt: lastSeen, tenant: sql`t.name` }[f.sort];
    const [rows, count] = await Promise.all([
      filtered
        .select([
          'x.id',
          'x.serial_no',
          'b.name as brand',
          'p.model_code as model',
          'x.status',
          'x.tenant_id',
          't.name as tenant_name',
          'l.id as linked_id',
          'l.serial_no as linked_serial_no',
          's.id as subscription_id',
          's.subscription_no',
          'a.id as address_id',
          'a.street as address_street',
          'a.building_no as address_building_no',
          'a.door_no as address_door_no',
          'a.neighborhood as address_neighborhood',
          'a.district as address_district',
          'a.city as address_city',
          'a.name as address_name',
          'a.latitude',
          'a.longitude',
          lastSeen.as('last_seen_at'),
        ])
        .orderBy(sortExpr, (ob) => (f.order === 'desc' ? ob.desc() : ob.asc()).nullsLast())
        .orderBy('x.serial_no')
        .orderBy('x.id')
        .offset(f.skip)
        .limit(f.take)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows as unknown as OutOfServiceRecord[], total: Number(count.n) };
  }
}

/** The columns both asset queries have in common, under the aliases x (asset), l (linked asset), b, p, sm. */
type OutOfServiceTables = DB & {
  x: DB['meter'] & DB['device'];
  l: DB['meter'] & DB['device'];
  b: DB['meter_brand'];
  p: DB['meter_profile'] & DB['device_profile'];
  sm: DB['subscription_meter'];
  t: DB['tenant'];
  s: DB['subscription'];
  c: DB['customer'];
  a: DB['address'];
};
type OutOfServiceBase = SelectQueryBuilder<OutOfServiceTables, 'x' | 'b' | 'p' | 'l' | 'sm', object>;
