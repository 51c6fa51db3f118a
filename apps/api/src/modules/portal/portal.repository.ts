import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { RedisService } from '../../core/redis/redis.service';

/*
 * The portal's reads. Every query takes the signed-in customer (`Owner`: customer and tenant from the
 * session, never from the request) and bounds its rows by it, on top of the tenant's row-level
 * security: a customer reaches their own records only, never another customer's of the same tenant.
 * Dates are cast to text in SQL (YYYY-MM-DD: the tenant's local days), money stays bigint strings.
 */

export interface Owner {
  customerId: string;
  tenantId: string;
}

/** A local-day range [from, to], both inclusive (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

/** How long the group's total of today is reused (today's rollups grow meanwhile: the average may lag that long). */
export const GROUP_CACHE_SECONDS = 600;
/** How long a closed day's group total is reused (late readings and corrections of that day show after it). */
export const CLOSED_DAY_CACHE_SECONDS = 6 * 3600;

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Caps on the rows one answer holds (newest first); the data export says which of its tables reached one. */
export const LIMITS = {
  alarms: 500,
  invoices: 500,
  readings: 50_000,
  dailyConsumption: 20_000,
  payments: 5_000,
  notifications: 5_000,
} as const;
/** Readings in a data export: at most this many, newest first. */
export const EXPORT_MAX_READINGS = LIMITS.readings;

@Injectable()
export class PortalRepository {
  constructor(
    private readonly database: DatabaseService,
    private readonly redis: RedisService,
  ) {}

  private get db() {
    return this.database.db;
  }

  // ─── Profile ──────────────────────────────────────────────────────────────────

  profile(accountId: string, o: Owner) {
    return this.db
      .selectFrom('portal_account as a')
      .innerJoin('customer as c', (j) => j.onRef('c.id', '=', 'a.customer_id').onRef('c.tenant_id', '=', 'a.tenant_id'))
      .innerJoin('tenant as t', 't.id', 'a.tenant_id')
      .select((eb) => [
        'a.email',
        'a.language',
        'a.created_at',
        'a.last_login_at',
        'c.customer_type',
        'c.name',
        'c.surname',
        'c.organization_name',
        'c.phone',
        'c.email as customer_email',
        't.name as tenant_name',
        't.time_zone',
        't.contact_phone',
        't.contact_email',
        eb.exists(eb.selectFrom('tenant_logo as l').select('l.tenant_id').whereRef('l.tenant_id', '=', 't.id')).as('has_logo'),
      ])
      .where('a.id', '=', accountId)
      .where('a.customer_id', '=', o.customerId)
      .where('a.tenant_id', '=', o.tenantId)
      .executeTakeFirst();
  }

  customerPhone(o: Owner) {
    return this.db
      .selectFrom('customer')
      .select(['id', 'phone'])
      .where('id', '=', o.customerId)
      .where('tenant_id', '=', o.tenantId)
      .executeTakeFirst();
  }

  async updateCustomerPhone(o: Owner, phone: string | null): Promise<void> {
    await this.db.updateTable('customer').set({ phone }).where('id', '=', o.customerId).where('tenant_id', '=', o.tenantId).execute();
  }

  async updateLanguage(accountId: string, o: Owner, language: 'tr' | 'en'): Promise<void> {
    await this.db
      .updateTable('portal_account')
      .set({ language, updated_at: new Date() })
      .where('id', '=', accountId)
      .where('customer_id', '=', o.customerId)
      .execute();
  }

  logo(tenantId: string) {
    return this.db.selectFrom('tenant_logo').select(['content_type', 'image']).where('tenant_id', '=', tenantId).executeTakeFirst();
  }

  timeZone(tenantId: string) {
    return this.db.selectFrom('tenant').select(['time_zone']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  }

  // ─── Subscriptions and meters ─────────────────────────────────────────────────

  /** The customer's subscriptions with their current meter (the open meter-history row) and its last reading. */
  subscriptions(o: Owner) {
    return this.db
      .selectFrom('subscription as s')
      .innerJoin('subscription_group as g', 'g.id', 's.group_id')
      .leftJoin('address as ad', 'ad.id', 's.address_id')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.subscription_id', '=', 's.id').on('sm.ended_at', 'is', null))
      .leftJoin('meter as m', 'm.id', 'sm.meter_id')
      .leftJoin('meter_profile as mp', 'mp.id', 'm.meter_profile_id')
      .leftJoin('meter_brand as mb', 'mb.id', 'm.brand_id')
      .select((eb) => [
        's.id',
        's.subscription_no',
        's.subscription_type',
        's.is_active',
        'g.name as group_name',
        'g.name_en as group_name_en',
        'ad.street',
        'ad.building_no',
        'ad.door_no',
        'ad.neighborhood',
        'ad.district',
        'ad.city',
        'ad.name as address_name',
        'm.id as meter_id',
        'm.serial_no',
        'mb.name as brand',
        'mp.model_code',
        // A meter's last reading from before it came to this subscription is a former holder's: not shown.
        sql<string | null>`CASE WHEN m.last_reading_at >= sm.started_at THEN m.last_index_m3::text END`.as('last_index_m3'),
        sql<Date | null>`CASE WHEN m.last_reading_at >= sm.started_at THEN m.last_reading_at END`.as('last_reading_at'),
        eb
          .exists(
            eb
              .selectFrom('reading as r')
              .select(sql`1`.as('one'))
              .whereRef('r.meter_id', '=', 'm.id')
              .whereRef('r.time', '=', 'm.last_reading_at')
              .where('r.quality', '=', 'ESTIMATED'),
          )
          .as('last_estimated'),
      ])
      .where('s.customer_id', '=', o.customerId)
      .where('s.tenant_id', '=', o.tenantId)
      .orderBy('s.subscription_no')
      .execute();
  }

  /** One of the customer's subscriptions, with its group and the tenant's zone; undefined for anyone else's. */
  subscription(o: Owner, id: string) {
    return this.db
      .selectFrom('subscription as s')
      .innerJoin('tenant as t', 't.id', 's.tenant_id')
      .select(['s.id', 's.group_id', 's.subscription_no', 't.time_zone'])
      .where('s.id', '=', id)
      .where('s.customer_id', '=', o.customerId)
      .where('s.tenant_id', '=', o.tenantId)
      .executeTakeFirst();
  }

  /**
   * Consumption of one subscription per local day in [from, to]: the meters' daily rollups attributed to
   * the subscription, each counted only on the days its meter served the subscription (subscription_meter:
   * a meter changed mid-range counts until its removal day, the new one from its installation day).
   * `estimated` when any of the day's water rests on estimated readings (the rollup's estimated_m3, or
   * the quality rollup's count of ESTIMATED readings of that meter and day).
   */
  async dailyConsumption(
    subscriptionId: string,
    tenantId: string,
    timeZone: string,
    r: DayRange,
  ): Promise<{ day: string; m3: string; estimated: boolean }[]> {
    // Driven by the subscription's meter periods: each reads its meter's days by the primary key (meter_id, day).
    const { rows } = await sql<{ day: string; m3: string; estimated: boolean }>`
      SELECT x.day::text AS day, sum(x.consumption_m3)::text AS m3, bool_or(x.estimated) AS estimated
        FROM (
          -- A meter removed and put back on the same local day has two periods covering that day: counted once.
          SELECT DISTINCT ON (dc.meter_id, dc.day) dc.day, dc.consumption_m3,
                 dc.estimated_m3 > 0 OR coalesce(q.estimated, 0) > 0 AS estimated
            FROM subscription_meter sm
            JOIN meter_daily_consumption dc
              ON dc.meter_id = sm.meter_id AND dc.subscription_id = sm.subscription_id AND dc.tenant_id = ${tenantId}::uuid
             AND dc.day BETWEEN greatest(${r.from}::date, (sm.started_at AT TIME ZONE ${timeZone})::date)
                            AND least(${r.to}::date, coalesce((sm.ended_at AT TIME ZONE ${timeZone})::date, ${r.to}::date))
            LEFT JOIN meter_daily_quality q ON q.meter_id = dc.meter_id AND q.day = dc.day
           WHERE sm.subscription_id = ${subscriptionId}::uuid AND sm.tenant_id = ${tenantId}::uuid) x
       GROUP BY x.day
       ORDER BY x.day`.execute(this.db);
    return rows;
  }

  /** Total m³ of one subscription over [from, to], with the same attribution as dailyConsumption. */
  async totalConsumption(subscriptionId: string, tenantId: string, timeZone: string, r: DayRange): Promise<string> {
    const rows = await this.dailyConsumption(subscriptionId, tenantId, timeZone, r);
    return rows.reduce((sum, x) => sum + Math.round(Number(x.m3) * 1000), 0).toString();
  }

  /**
   * The group's consumption over [from, to] as an aggregate only: the number of the tenant's
   * subscriptions of `groupId` that had a meter at some time in the range, and their total m³.
   * The group's daily totals are the same for all its customers and a year of them reads every meter-day
   * of the group: each day's total is kept in Redis (a closed day CLOSED_DAY_CACHE_SECONDS, today
   * GROUP_CACHE_SECONDS), so a sliding range reads only the days it has not seen.
   */
  async groupConsumption(
    groupId: string,
    tenantId: string,
    timeZone: string,
    r: DayRange,
    today: string,
  ): Promise<{ subscriptions: number; litres: number }> {
    const days: string[] = [];
    for (let d = r.from; d <= r.to; d = nextDay(d)) days.push(d);
    const keys = days.map((d) => this.redis.key('portal', 'group-day', tenantId, groupId, d));
    const cached = await this.redis.client.mget(...keys);
    const missing = days.filter((_, i) => cached[i] === null);
    let litres = cached.reduce((sum, v) => sum + (v === null ? 0 : Number(v)), 0);
    if (missing.length > 0) {
      const fresh = await this.groupDays(groupId, tenantId, { from: missing[0], to: missing[missing.length - 1] });
      const write = this.redis.client.multi();
      for (const d of missing) {
        const value = fresh.get(d) ?? 0;
        litres += value;
        write.set(
          this.redis.key('portal', 'group-day', tenantId, groupId, d),
          String(value),
          'EX',
          d < today ? CLOSED_DAY_CACHE_SECONDS : GROUP_CACHE_SECONDS,
        );
      }
      await write.exec();
    }
    const { rows } = await sql<{ n: number }>`
      SELECT count(DISTINCT s.id)::int AS n FROM subscription s
        JOIN subscription_meter sm ON sm.subscription_id = s.id
       WHERE s.tenant_id = ${tenantId}::uuid AND s.group_id = ${groupId}::uuid
         AND (sm.started_at AT TIME ZONE ${timeZone})::date <= ${r.to}::date
         AND (sm.ended_at IS NULL OR (sm.ended_at AT TIME ZONE ${timeZone})::date >= ${r.from}::date)`.execute(this.db);
    return { subscriptions: rows[0]?.n ?? 0, litres };
  }

  /** Litres per local day of the tenant's subscriptions of `groupId` over [from, to]. */
  private async groupDays(groupId: string, tenantId: string, r: DayRange): Promise<Map<string, number>> {
    const { rows } = await sql<{ day: string; litres: string }>`
      SELECT dc.day::text AS day, (sum(dc.consumption_m3) * 1000)::bigint::text AS litres
        FROM meter_daily_consumption dc
        JOIN subscription s ON s.id = dc.subscription_id AND s.tenant_id = dc.tenant_id
       WHERE dc.tenant_id = ${tenantId}::uuid AND s.group_id = ${groupId}::uuid AND dc.day BETWEEN ${r.from}::date AND ${r.to}::date
       GROUP BY dc.day`.execute(this.db);
    return new Map(rows.map((x) => [x.day, Number(x.litres)]));
  }

  // ─── Alarms ───────────────────────────────────────────────────────────────────

  /**
   * Alarms of the customer's subscriptions: those naming one of them, and those of a meter (without a
   * subscription named) raised while that meter served one of them. Newest first, at most 500.
   */
  async alarms(o: Owner, openOnly: boolean) {
    const { rows } = await sql<{
      id: string;
      type: string;
      started_at: Date;
      cleared_at: Date | null;
      serial_no: string | null;
      subscription_id: string;
      subscription_no: string;
    }>`
      WITH own AS (SELECT id, subscription_no FROM subscription WHERE customer_id = ${o.customerId}::uuid AND tenant_id = ${o.tenantId}::uuid),
           hit AS (
             SELECT a.id, own.id AS subscription_id, own.subscription_no
               FROM alarm a JOIN own ON own.id = a.subscription_id
              WHERE a.tenant_id = ${o.tenantId}::uuid
             UNION ALL
             SELECT a.id, own.id, own.subscription_no
               FROM own
               JOIN subscription_meter sm ON sm.subscription_id = own.id
               JOIN alarm a ON a.meter_id = sm.meter_id AND a.subscription_id IS NULL AND a.tenant_id = ${o.tenantId}::uuid
                           AND a.started_at >= sm.started_at AND (sm.ended_at IS NULL OR a.started_at < sm.ended_at))
      SELECT a.id, a.type::text AS type, a.started_at, a.cleared_at, m.serial_no, hit.subscription_id, hit.subscription_no
        FROM hit
        JOIN alarm a ON a.id = hit.id
        LEFT JOIN meter m ON m.id = a.meter_id
       WHERE true ${openOnly ? sql`AND a.cleared_at IS NULL AND a.closed_at IS NULL` : sql``}
       ORDER BY a.started_at DESC, a.id
       LIMIT ${LIMITS.alarms}`.execute(this.db);
    return rows;
  }

  /** Open alarms per subscription of the customer (same attribution as `alarms`). */
  async openAlarmCounts(o: Owner): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of await this.alarms(o, true)) out.set(r.subscription_id, (out.get(r.subscription_id) ?? 0) + 1);
    return out;
  }

  // ─── Invoices and the ledger ──────────────────────────────────────────────────

  private invoiceBase(o: Owner) {
    return this.db
      .selectFrom('invoice as i')
      .innerJoin('subscription as s', 's.id', 'i.subscription_id')
      .select([
        'i.id',
        'i.number',
        'i.kind',
        'i.status',
        sql<string>`i.period_start::text`.as('period_start'),
        sql<string>`i.period_end::text`.as('period_end'),
        sql<string | null>`i.issue_date::text`.as('issue_date'),
        sql<string | null>`i.due_date::text`.as('due_date'),
        sql<string>`i.gross_kurus::text`.as('gross_kurus'),
        sql<string>`CASE WHEN i.kind = 'INVOICE' AND i.status = 'ISSUED'
          THEN greatest(i.gross_kurus - coalesce((SELECT sum(pa.amount_kurus) FROM payment_allocation pa WHERE pa.invoice_id = i.id), 0), 0)
          ELSE 0 END::text`.as('open_kurus'),
        's.subscription_no',
      ])
      .where('i.customer_id', '=', o.customerId)
      .where('i.tenant_id', '=', o.tenantId)
      .where('i.status', 'in', ['ISSUED', 'CANCELLED']);
  }

  invoices(o: Owner) {
    return this.invoiceBase(o).orderBy('i.issue_date', 'desc').orderBy('i.number', 'desc').limit(LIMITS.invoices).execute();
  }

  invoice(o: Owner, id: string) {
    return this.invoiceBase(o)
      .select([
        sql<string>`i.consumption_m3::text`.as('consumption_m3'),
        sql<string>`i.estimated_m3::text`.as('estimated_m3'),
        sql<string>`i.net_kurus::text`.as('net_kurus'),
        sql<string>`i.vat_kurus::text`.as('vat_kurus'),
        'i.currency',
      ])
      .where('i.id', '=', id)
      .executeTakeFirst();
  }

  invoiceLines(invoiceId: string, tenantId: string) {
    return this.db
      .selectFrom('invoice_line')
      .select([
        'ordinal',
        'component',
        'tier',
        'description',
        sql<string | null>`segment_start::text`.as('segment_start'),
        sql<string | null>`segment_end::text`.as('segment_end'),
        sql<string | null>`quantity_m3::text`.as('quantity_m3'),
        'unit_price_kurus',
        sql<string>`net_kurus::text`.as('net_kurus'),
        'vat_rate_bp',
        sql<string>`vat_kurus::text`.as('vat_kurus'),
        sql<string>`gross_kurus::text`.as('gross_kurus'),
      ])
      .where('invoice_id', '=', invoiceId)
      .where('tenant_id', '=', tenantId)
      .orderBy('ordinal')
      .execute();
  }

  /** The newest `limit` ledger entries with the running balance after each (over the whole ledger). */
  async ledger(o: Owner, limit: number) {
    const { rows } = await sql<{
      id: string;
      booked_at: Date;
      kind: string;
      description: string;
      invoice_number: string | null;
      amount: string;
      running: string;
    }>`
      SELECT x.* FROM (
        SELECT e.id, e.booked_at, e.kind::text AS kind, e.description, i.number AS invoice_number, e.amount_kurus::text AS amount,
               (sum(e.amount_kurus) OVER (ORDER BY e.booked_at, e.id))::text AS running
          FROM ledger_entry e LEFT JOIN invoice i ON i.id = e.invoice_id
         WHERE e.customer_id = ${o.customerId}::uuid AND e.tenant_id = ${o.tenantId}::uuid) x
       ORDER BY x.booked_at DESC, x.id DESC
       LIMIT ${limit}`.execute(this.db);
    return rows;
  }

  // ─── Consents ─────────────────────────────────────────────────────────────────

  consents(accountId: string, tenantId: string) {
    return this.db
      .selectFrom('portal_consent')
      .select(['kind', 'version', 'granted', 'created_at', 'id'])
      .where('account_id', '=', accountId)
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
  }

  recordConsent(v: {
    accountId: string;
    tenantId: string;
    kind: string;
    version: string;
    granted: boolean;
    ipAddress: string | null;
    userAgent: string | null;
  }) {
    return this.db
      .insertInto('portal_consent')
      .values({
        account_id: v.accountId,
        tenant_id: v.tenantId,
        kind: v.kind,
        version: v.version,
        granted: v.granted,
        ip_address: v.ipAddress,
        user_agent: v.userAgent,
      })
      .returning(['kind', 'version', 'granted', 'created_at'])
      .executeTakeFirstOrThrow();
  }

  // ─── Data export (KVKK) ───────────────────────────────────────────────────────

  /** The meter-history rows of the customer's subscriptions (which meter served which subscription, when). */
  meterHistory(o: Owner) {
    return this.db
      .selectFrom('subscription_meter as sm')
      .innerJoin('subscription as s', 's.id', 'sm.subscription_id')
      .innerJoin('meter as m', 'm.id', 'sm.meter_id')
      .select([
        's.subscription_no',
        'm.serial_no',
        'sm.meter_id',
        'sm.started_at',
        'sm.ended_at',
        sql<string>`sm.initial_index_m3::text`.as('initial_index_m3'),
        sql<string | null>`sm.final_index_m3::text`.as('final_index_m3'),
      ])
      .where('s.customer_id', '=', o.customerId)
      .where('s.tenant_id', '=', o.tenantId)
      .orderBy('s.subscription_no')
      .orderBy('sm.started_at')
      .execute();
  }

  /**
   * The customer's readings, newest first, at most `cap`: each meter's readings within the periods it
   * served one of the customer's subscriptions (never a meter's readings from another customer's time).
   */
  async readings(o: Owner, cap: number) {
    const { rows } = await sql<{
      time: Date;
      subscription_no: string;
      serial_no: string;
      index_m3: string;
      consumption_m3: string | null;
      quality: string;
      source: string;
    }>`
      SELECT r.time, s.subscription_no, m.serial_no, r.index_m3::text AS index_m3, r.consumption_m3::text AS consumption_m3,
             r.quality::text AS quality, r.source::text AS source
        FROM subscription s
        JOIN subscription_meter sm ON sm.subscription_id = s.id
        JOIN meter m ON m.id = sm.meter_id
        JOIN reading r ON r.meter_id = sm.meter_id AND r.time >= sm.started_at AND (sm.ended_at IS NULL OR r.time < sm.ended_at)
       WHERE s.customer_id = ${o.customerId}::uuid AND s.tenant_id = ${o.tenantId}::uuid
       ORDER BY r.time DESC
       LIMIT ${cap}`.execute(this.db);
    return rows;
  }

  async dailyConsumptionOfCustomer(o: Owner) {
    const { rows } = await sql<{ day: string; subscription_no: string; serial_no: string; m3: string; estimated_m3: string }>`
      SELECT dc.day::text AS day, s.subscription_no, m.serial_no, dc.consumption_m3::text AS m3, dc.estimated_m3::text AS estimated_m3
        FROM meter_daily_consumption dc
        JOIN subscription s ON s.id = dc.subscription_id
        JOIN meter m ON m.id = dc.meter_id
       WHERE s.customer_id = ${o.customerId}::uuid AND s.tenant_id = ${o.tenantId}::uuid AND dc.tenant_id = ${o.tenantId}::uuid
       ORDER BY dc.day DESC, s.subscription_no
       LIMIT ${LIMITS.dailyConsumption}`.execute(this.db);
    return rows;
  }

  async payments(o: Owner) {
    const { rows } = await sql<{
      id: string;
      kind: string;
      method: string;
      amount: string;
      currency: string;
      received_at: Date;
      receipt_no: string | null;
      subscription_no: string | null;
    }>`
      SELECT p.id, p.kind::text AS kind, p.method::text AS method, p.amount_kurus::text AS amount, p.currency, p.received_at, p.receipt_no,
             s.subscription_no
        FROM payment p LEFT JOIN subscription s ON s.id = p.subscription_id
       WHERE p.customer_id = ${o.customerId}::uuid AND p.tenant_id = ${o.tenantId}::uuid
       ORDER BY p.received_at DESC
       LIMIT ${LIMITS.payments}`.execute(this.db);
    return rows;
  }

  notifications(accountId: string) {
    return this.db
      .selectFrom('notification')
      .select(['id', 'event_type', 'severity', 'title', 'body', 'created_at', 'read_at'])
      .where('portal_account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .limit(LIMITS.notifications)
      .execute();
  }
}
