import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { DatedAllocation, DisconnectionStatus } from './dunning-rules';

type Tx = Transaction;

/** A dunning step to write (the fields of its kind). */
export interface NewStep {
  tenantId: string;
  invoiceId: string;
  subscriptionId: string;
  customerId: string;
  kind: 'REMINDER' | 'INTEREST' | 'DISCONNECTION';
  ordinal: number;
  dueOn: string;
  daysOverdue: number;
  outstandingKurus: bigint;
  interestFrom?: string;
  rateBp?: number;
  amountKurus?: bigint;
  ledgerEntryId?: string | null;
  disconnectionOrderId?: string;
  createdById: string | null;
}

/** An issued invoice the daily run looks at, with what dunning has done to it so far. */
export interface OpenItem {
  invoiceId: string;
  number: string;
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  dueDate: string;
  grossKurus: bigint;
  /** Allocations made by the run's day. */
  allocatedKurus: bigint;
  language: string;
  /** The monthly late-payment rate of the invoice's tariff version (its last priced segment's), 0 without one. */
  rateBp: number;
  reminderOrdinals: number[];
  interestThrough: string | null;
  interestBookings: number;
  disconnectionStep: boolean;
}

export interface LiveOrder {
  id: string;
  subscriptionId: string;
  customerId: string;
  status: DisconnectionStatus;
}

export interface OrderRow {
  id: string;
  tenantId: string;
  tenantName: string;
  subscriptionId: string;
  subscriptionNo: string;
  customerId: string;
  customerName: string;
  address: string | null;
  status: DisconnectionStatus;
  reason: string;
  overdueKurus: bigint;
  overdueInvoices: number;
  oldestDueDate: string;
  openedOn: string;
  openedAt: Date;
  openedById: string | null;
  executedAt: Date | null;
  executedById: string | null;
  executionNote: string | null;
  cancelledAt: Date | null;
  reconnectOpenedAt: Date | null;
  reconnectedAt: Date | null;
  reconnectedById: string | null;
  reconnectionNote: string | null;
}

export interface OverdueRow {
  invoiceId: string;
  number: string;
  tenantId: string;
  tenantName: string;
  subscriptionId: string;
  subscriptionNo: string;
  customerId: string;
  customerName: string;
  dueDate: string;
  daysOverdue: number;
  grossKurus: bigint;
  outstandingKurus: bigint;
  lastStep: { kind: 'REMINDER' | 'INTEREST' | 'DISCONNECTION'; ordinal: number; dueOn: string } | null;
}

export interface StepRow {
  id: string;
  invoiceId: string;
  tenantId: string;
  kind: 'REMINDER' | 'INTEREST' | 'DISCONNECTION';
  ordinal: number;
  dueOn: string;
  daysOverdue: number;
  outstandingKurus: bigint;
  interestFrom: string | null;
  rateBp: number | null;
  amountKurus: bigint | null;
  ledgerEntryId: string | null;
  disconnectionOrderId: string | null;
  notificationStatus: 'DUE' | 'SENT' | 'FAILED' | null;
  notifiedAt: Date | null;
  createdAt: Date;
  createdById: string | null;
}

const big = (v: unknown): bigint => BigInt(v as string);
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as string));
const date = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

/** The customer's display name: the organisation's, else name and surname. */
const customerName = sql<string>`coalesce(c.organization_name, trim(concat_ws(' ', c.name, c.surname)))`;

/** An invoice's allocations, all of them (what the API shows as outstanding now). */
const allocatedNow = sql<string>`coalesce((SELECT sum(pa.amount_kurus) FROM payment_allocation pa WHERE pa.invoice_id = i.id), 0)`;

/**
 * Statements of dunning: the daily run's reads and writes (through the service's transaction) and the
 * operators' lists. No rules here; amounts come back as BigInt, days as ISO dates.
 */
@Injectable()
export class DunningRepository {
  constructor(private readonly database: DatabaseService) {}

  private async run<R>(tx: Tx | undefined, query: RawBuilder<R>): Promise<R[]> {
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  // ─── The daily run ───────────────────────────────────────────────────────────────

  async tenants(): Promise<{ id: string; timeZone: string }[]> {
    const { rows } = await sql<{ id: string; time_zone: string }>`SELECT id, time_zone FROM tenant ORDER BY path`.execute(this.database.db);
    return rows.map((r) => ({ id: r.id, timeZone: r.time_zone }));
  }

  /** The tenant's zone and the nearest billing_settings row of it or an ancestor (null fields: none). */
  async settings(
    tenantId: string,
  ): Promise<{ timeZone: string; reminderDays: number[] | null; disconnectionAfterDays: number | null; found: boolean } | null> {
    const { rows } = await sql<{
      time_zone: string;
      reminder_days: number[] | null;
      disconnection_after_days: number | null;
      found: boolean;
    }>`
      SELECT t.time_zone, s.reminder_days, s.disconnection_after_days, s.tenant_id IS NOT NULL AS found
        FROM tenant t
        LEFT JOIN LATERAL (
          SELECT bs.tenant_id, bs.reminder_days, bs.disconnection_after_days
            FROM tenant a JOIN billing_settings bs ON bs.tenant_id = a.id
           WHERE a.path @> t.path ORDER BY nlevel(a.path) DESC LIMIT 1) s ON true
       WHERE t.id = ${tenantId}::uuid`.execute(this.database.db);
    const r = rows[0];
    if (!r) return null;
    return { timeZone: r.time_zone, reminderDays: r.reminder_days, disconnectionAfterDays: r.disconnection_after_days, found: r.found };
  }

  /** One run per tenant at a time (the daily job and an operator's run): the rest waits for the lock. */
  async lockTenant(tx: Tx, tenantId: string): Promise<void> {
    await this.run(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`dunning:${tenantId}`}, 0))::text AS locked`);
  }

  /**
   * The tenant's issued invoices past their due date on `today` that are still outstanding, or that
   * were settled after the days their interest covers (their last days of interest are owed).
   */
  async openItems(
    tx: Tx | undefined,
    tenantId: string,
    today: string,
    timeZone: string,
    only: { invoiceIds?: string[]; subscriptionIds?: string[] } = {},
  ): Promise<OpenItem[]> {
    const rows = await this.run(
      tx,
      sql<Record<string, unknown>>`
      SELECT i.id, i.number, i.tenant_id, i.subscription_id, i.customer_id, i.due_date::text AS due_date,
             i.gross_kurus::text AS gross, coalesce(a.allocated, 0)::text AS allocated, a.last_day::text AS last_day,
             i.language, coalesce(r.rate_bp, 0)::int AS rate_bp,
             coalesce(st.reminders, '{}') AS reminders, st.interest_through::text AS interest_through,
             coalesce(st.interest_bookings, 0)::int AS interest_bookings, coalesce(st.disconnection, false) AS disconnection
        FROM invoice i
        LEFT JOIN LATERAL (
          SELECT sum(pa.amount_kurus) AS allocated, max((pa.created_at AT TIME ZONE ${timeZone})::date) AS last_day
            FROM payment_allocation pa
           WHERE pa.invoice_id = i.id AND (pa.created_at AT TIME ZONE ${timeZone})::date <= ${today}::date) a ON true
        LEFT JOIN LATERAL (
          SELECT tv.late_payment_interest_bp AS rate_bp
            FROM invoice_line l JOIN tariff_version tv ON tv.id = l.tariff_version_id
           WHERE l.invoice_id = i.id ORDER BY l.segment_start DESC NULLS LAST, l.ordinal DESC LIMIT 1) r ON true
        LEFT JOIN LATERAL (
          SELECT array_agg(s.ordinal::int) FILTER (WHERE s.kind = 'REMINDER') AS reminders,
                 max(s.due_on) FILTER (WHERE s.kind = 'INTEREST') AS interest_through,
                 count(*) FILTER (WHERE s.kind = 'INTEREST') AS interest_bookings,
                 bool_or(s.kind = 'DISCONNECTION') AS disconnection
            FROM dunning_step s WHERE s.invoice_id = i.id) st ON true
       WHERE i.tenant_id = ${tenantId}::uuid AND i.kind = 'INVOICE' AND i.status = 'ISSUED' AND i.due_date < ${today}::date
         ${only.invoiceIds ? sql`AND i.id = ANY(${only.invoiceIds}::uuid[])` : sql``}
         ${only.subscriptionIds ? sql`AND i.subscription_id = ANY(${only.subscriptionIds}::uuid[])` : sql``}
         AND (i.gross_kurus - coalesce(a.allocated, 0) > 0
              OR (coalesce(r.rate_bp, 0) > 0 AND a.last_day > coalesce(st.interest_through, i.due_date) + 1))
       ORDER BY i.due_date, i.number`,
    );
    return rows.map((r) => ({
      invoiceId: r.id as string,
      number: r.number as string,
      tenantId: r.tenant_id as string,
      subscriptionId: r.subscription_id as string,
      customerId: r.customer_id as string,
      dueDate: r.due_date as string,
      grossKurus: big(r.gross),
      allocatedKurus: big(r.allocated),
      language: r.language as string,
      rateBp: Number(r.rate_bp),
      reminderOrdinals: (r.reminders as number[]).map(Number),
      interestThrough: (r.interest_through as string | null) ?? null,
      interestBookings: Number(r.interest_bookings),
      disconnectionStep: Boolean(r.disconnection),
    }));
  }

  /** The allocations to these invoices made by `today`, each on its day in the tenant's zone. */
  async allocations(tx: Tx, invoiceIds: string[], today: string, timeZone: string): Promise<Map<string, DatedAllocation[]>> {
    const out = new Map<string, DatedAllocation[]>(invoiceIds.map((id) => [id, []]));
    if (!invoiceIds.length) return out;
    const rows = await this.run(
      tx,
      sql<{ invoice_id: string; day: string; amount: string }>`
      SELECT pa.invoice_id, (pa.created_at AT TIME ZONE ${timeZone})::date::text AS day, pa.amount_kurus::text AS amount
        FROM payment_allocation pa
       WHERE pa.invoice_id = ANY(${invoiceIds}::uuid[]) AND (pa.created_at AT TIME ZONE ${timeZone})::date <= ${today}::date
       ORDER BY pa.created_at`,
    );
    for (const r of rows) out.get(r.invoice_id)!.push({ day: r.day, amountKurus: BigInt(r.amount) });
    return out;
  }

  /** Writes a step unless the invoice has it already; its id when written. */
  async insertStep(tx: Tx, step: NewStep): Promise<string | null> {
    return (await this.insertSteps(tx, [step]))[0];
  }

  /** Writes the steps the invoices do not have yet, in one statement; per step, its id when written (else null). */
  async insertSteps(tx: Tx, steps: NewStep[]): Promise<(string | null)[]> {
    if (!steps.length) return [];
    const values = steps.map(
      (s) => sql`(${s.tenantId}::uuid, ${s.invoiceId}::uuid, ${s.subscriptionId}::uuid, ${s.customerId}::uuid,
              ${s.kind}::dunning_step_kind, ${s.ordinal}::smallint, ${s.dueOn}::date, ${s.daysOverdue}::int,
              ${s.outstandingKurus.toString()}::bigint, ${s.interestFrom ?? null}::date, ${s.rateBp ?? null}::int,
              ${s.amountKurus === undefined ? null : s.amountKurus.toString()}::bigint, ${s.ledgerEntryId ?? null}::uuid,
              ${s.disconnectionOrderId ?? null}::uuid,
              ${s.kind === 'REMINDER' ? 'DUE' : null}::dunning_notification_status, ${s.createdById}::uuid)`,
    );
    const rows = await this.run(
      tx,
      sql<{ id: string; invoice_id: string; kind: string; ordinal: number }>`
      INSERT INTO dunning_step (tenant_id, invoice_id, subscription_id, customer_id, kind, ordinal, due_on, days_overdue,
                                outstanding_kurus, interest_from, rate_bp, amount_kurus, ledger_entry_id,
                                disconnection_order_id, notification_status, created_by_id)
      VALUES ${sql.join(values)}
      ON CONFLICT (invoice_id, kind, ordinal) DO NOTHING
      RETURNING id, invoice_id, kind::text AS kind, ordinal::int AS ordinal`,
    );
    const written = new Map(rows.map((r) => [`${r.invoice_id}/${r.kind}/${r.ordinal}`, r.id]));
    return steps.map((s) => written.get(`${s.invoiceId}/${s.kind}/${s.ordinal}`) ?? null);
  }

  /** An INTEREST ledger entry (owed by the customer). */
  async insertInterestEntry(
    tx: Tx,
    e: {
      tenantId: string;
      customerId: string;
      subscriptionId: string;
      invoiceId: string;
      amountKurus: bigint;
      description: string;
      createdById: string | null;
      /** The dunning day: the entry is booked at its start in the tenant's zone (never later than now). */
      bookedOn: string;
      timeZone: string;
    },
  ): Promise<string> {
    const rows = await this.run(
      tx,
      sql<{ id: string }>`
      INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, invoice_id, description, created_by_id, booked_at)
      VALUES (${e.tenantId}::uuid, ${e.customerId}::uuid, ${e.subscriptionId}::uuid, 'INTEREST', ${e.amountKurus.toString()}::bigint,
              ${e.invoiceId}::uuid, ${e.description}, ${e.createdById}::uuid,
              least(now(), ${e.bookedOn}::timestamp AT TIME ZONE ${e.timeZone}))
      RETURNING id`,
    );
    return rows[0].id;
  }

  async liveOrders(tx: Tx | undefined, tenantId: string, subscriptionIds?: string[]): Promise<LiveOrder[]> {
    return this.run(
      tx,
      sql<LiveOrder>`
      SELECT id, subscription_id AS "subscriptionId", customer_id AS "customerId", status::text AS status
        FROM disconnection_order WHERE tenant_id = ${tenantId}::uuid AND status IN ('OPEN', 'DONE', 'RECONNECT_OPEN')
         ${subscriptionIds ? sql`AND subscription_id = ANY(${subscriptionIds}::uuid[])` : sql``}`,
    );
  }

  /** Opens an order unless the subscription has a live one; its id when opened. */
  async insertOrder(
    tx: Tx,
    o: {
      tenantId: string;
      subscriptionId: string;
      customerId: string;
      reason: string;
      overdueKurus: bigint;
      overdueInvoices: number;
      oldestDueDate: string;
      openedOn: string;
      openedById: string | null;
    },
  ): Promise<string | null> {
    const rows = await this.run(
      tx,
      sql<{ id: string }>`
      INSERT INTO disconnection_order (tenant_id, subscription_id, customer_id, reason, overdue_kurus, overdue_invoices,
                                       oldest_due_date, opened_on, opened_by_id)
      VALUES (${o.tenantId}::uuid, ${o.subscriptionId}::uuid, ${o.customerId}::uuid, ${o.reason}, ${o.overdueKurus.toString()}::bigint,
              ${o.overdueInvoices}, ${o.oldestDueDate}::date, ${o.openedOn}::date, ${o.openedById}::uuid)
      ON CONFLICT (subscription_id) WHERE status IN ('OPEN', 'DONE', 'RECONNECT_OPEN') DO NOTHING
      RETURNING id`,
    );
    return rows[0]?.id ?? null;
  }

  /** Per customer asked, the overdue outstanding amount on `today` (issued invoices past due, allocations made by then). */
  async customersOverdue(tx: Tx, customerIds: string[], today: string, timeZone: string): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>(customerIds.map((id) => [id, 0n]));
    if (!customerIds.length) return out;
    const rows = await this.run(
      tx,
      sql<{ customer_id: string; overdue: string }>`
      SELECT i.customer_id, sum(greatest(i.gross_kurus - coalesce(a.allocated, 0), 0))::text AS overdue
        FROM invoice i
        LEFT JOIN LATERAL (
          SELECT sum(pa.amount_kurus) AS allocated FROM payment_allocation pa
           WHERE pa.invoice_id = i.id AND (pa.created_at AT TIME ZONE ${timeZone})::date <= ${today}::date) a ON true
       WHERE i.customer_id = ANY(${customerIds}::uuid[]) AND i.kind = 'INVOICE' AND i.status = 'ISSUED' AND i.due_date < ${today}::date
       GROUP BY i.customer_id`,
    );
    for (const r of rows) out.set(r.customer_id, BigInt(r.overdue));
    return out;
  }

  /** Moves an order from `from` to `to` with the fields of that move; false when it was no longer in `from`. */
  async moveOrder(
    tx: Tx,
    id: string,
    from: DisconnectionStatus,
    to: DisconnectionStatus,
    by: string | null,
    note: string | null = null,
  ): Promise<boolean> {
    const set =
      to === 'CANCELLED'
        ? sql`cancelled_at = now(), cancelled_by_id = ${by}::uuid`
        : to === 'DONE'
          ? sql`executed_at = now(), executed_by_id = ${by}::uuid, execution_note = ${note}`
          : to === 'RECONNECT_OPEN'
            ? sql`reconnect_opened_at = now()`
            : sql`reconnected_at = now(), reconnected_by_id = ${by}::uuid, reconnection_note = ${note}`;
    const rows = await this.run(
      tx,
      sql<{ id: string }>`
      UPDATE disconnection_order SET status = ${to}::disconnection_order_status, updated_at = now(), ${set}
       WHERE id = ${id}::uuid AND status = ${from}::disconnection_order_status
      RETURNING id`,
    );
    return rows.length > 0;
  }

  // ─── Operators' reads ────────────────────────────────────────────────────────────

  async overdue(
    tenantIds: string[],
    q: { customerId?: string; subscriptionId?: string; minDays?: number; page: number; pageSize: number; order: 'asc' | 'desc' },
  ): Promise<{ rows: OverdueRow[]; total: number }> {
    if (!tenantIds.length) return { rows: [], total: 0 };
    const today = sql`(now() AT TIME ZONE t.time_zone)::date`;
    const from = sql`
        FROM invoice i
        JOIN tenant t ON t.id = i.tenant_id
        JOIN subscription sub ON sub.id = i.subscription_id
        JOIN customer c ON c.id = i.customer_id
        CROSS JOIN LATERAL (SELECT i.gross_kurus - ${allocatedNow} AS outstanding, ${today} - i.due_date AS days) o`;
    const where = sql`
       WHERE i.tenant_id = ANY(${tenantIds}::uuid[]) AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
         AND i.due_date < ${today} AND o.outstanding > 0
         ${q.customerId ? sql`AND i.customer_id = ${q.customerId}::uuid` : sql``}
         ${q.subscriptionId ? sql`AND i.subscription_id = ${q.subscriptionId}::uuid` : sql``}
         ${q.minDays ? sql`AND o.days >= ${q.minDays}` : sql``}`;
    const direction = q.order === 'asc' ? sql`ASC` : sql`DESC`;
    const { rows } = await sql<Record<string, unknown>>`
      SELECT i.id, i.number, i.tenant_id, t.name AS tenant_name, i.subscription_id, sub.subscription_no, i.customer_id,
             ${customerName} AS customer_name, i.due_date::text AS due_date, o.days::int AS days,
             i.gross_kurus::text AS gross, o.outstanding::text AS outstanding,
             ls.kind::text AS step_kind, ls.ordinal::int AS step_ordinal, ls.due_on::text AS step_due_on
        ${from}
        LEFT JOIN LATERAL (
          SELECT s.kind, s.ordinal, s.due_on FROM dunning_step s WHERE s.invoice_id = i.id
           ORDER BY s.due_on DESC, s.created_at DESC LIMIT 1) ls ON true
        ${where}
       ORDER BY o.days ${direction}, i.number ${direction}
       LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`.execute(this.database.db);
    const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n ${from} ${where}`.execute(this.database.db);
    return {
      total: count[0]?.n ?? 0,
      rows: rows.map((r) => ({
        invoiceId: r.id as string,
        number: r.number as string,
        tenantId: r.tenant_id as string,
        tenantName: r.tenant_name as string,
        subscriptionId: r.subscription_id as string,
        subscriptionNo: r.subscription_no as string,
        customerId: r.customer_id as string,
        customerName: r.customer_name as string,
        dueDate: r.due_date as string,
        daysOverdue: Number(r.days),
        grossKurus: big(r.gross),
        outstandingKurus: big(r.outstanding),
        lastStep: r.step_kind
          ? { kind: r.step_kind as StepRow['kind'], ordinal: Number(r.step_ordinal), dueOn: r.step_due_on as string }
          : null,
      })),
    };
  }

  private orderSelect = sql`
      SELECT o.id, o.tenant_id, t.name AS tenant_name, o.subscription_id, sub.subscription_no, o.customer_id,
             ${customerName} AS customer_name,
             (SELECT trim(concat_ws(' ', ad.street, ad.building_no, ad.district, ad.city)) FROM address ad WHERE ad.id = sub.address_id) AS address,
             o.status::text AS status, o.reason, o.overdue_kurus::text AS overdue_kurus, o.overdue_invoices,
             o.oldest_due_date::text AS oldest_due_date, o.opened_on::text AS opened_on, o.opened_at, o.opened_by_id,
             o.executed_at, o.executed_by_id, o.execution_note, o.cancelled_at, o.reconnect_opened_at, o.reconnected_at,
             o.reconnected_by_id, o.reconnection_note
        FROM disconnection_order o
        JOIN tenant t ON t.id = o.tenant_id
        JOIN subscription sub ON sub.id = o.subscription_id
        JOIN customer c ON c.id = o.customer_id`;

  async orders(
    tenantIds: string[],
    q: {
      statuses?: DisconnectionStatus[];
      subscriptionId?: string;
      customerId?: string;
      page: number;
      pageSize: number;
      order: 'asc' | 'desc';
    },
  ): Promise<{ rows: OrderRow[]; total: number }> {
    if (!tenantIds.length) return { rows: [], total: 0 };
    const where = sql`
       WHERE o.tenant_id = ANY(${tenantIds}::uuid[])
         ${q.statuses?.length ? sql`AND o.status::text = ANY(${q.statuses}::text[])` : sql``}
         ${q.subscriptionId ? sql`AND o.subscription_id = ${q.subscriptionId}::uuid` : sql``}
         ${q.customerId ? sql`AND o.customer_id = ${q.customerId}::uuid` : sql``}`;
    const direction = q.order === 'asc' ? sql`ASC` : sql`DESC`;
    const { rows } = await sql<Record<string, unknown>>`
      ${this.orderSelect} ${where}
       ORDER BY o.opened_at ${direction}, o.id ${direction}
       LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`.execute(this.database.db);
    const { rows: count } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM disconnection_order o ${where}`.execute(
      this.database.db,
    );
    return { rows: rows.map(toOrder), total: count[0]?.n ?? 0 };
  }

  async order(id: string, tx?: Tx): Promise<OrderRow | null> {
    const rows = await this.run(tx, sql<Record<string, unknown>>`${this.orderSelect} WHERE o.id = ${id}::uuid`);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async invoiceTenant(invoiceId: string): Promise<string | null> {
    const { rows } = await sql<{ tenant_id: string }>`SELECT tenant_id FROM invoice WHERE id = ${invoiceId}::uuid`.execute(
      this.database.db,
    );
    return rows[0]?.tenant_id ?? null;
  }

  async steps(invoiceId: string): Promise<StepRow[]> {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT id, invoice_id, tenant_id, kind::text AS kind, ordinal::int AS ordinal, due_on::text AS due_on, days_overdue,
             outstanding_kurus::text AS outstanding, interest_from::text AS interest_from, rate_bp, amount_kurus::text AS amount,
             ledger_entry_id, disconnection_order_id, notification_status::text AS notification_status, notified_at, created_at, created_by_id
        FROM dunning_step WHERE invoice_id = ${invoiceId}::uuid
       ORDER BY due_on, kind, ordinal`.execute(this.database.db);
    return rows.map((r) => ({
      id: r.id as string,
      invoiceId: r.invoice_id as string,
      tenantId: r.tenant_id as string,
      kind: r.kind as StepRow['kind'],
      ordinal: Number(r.ordinal),
      dueOn: r.due_on as string,
      daysOverdue: Number(r.days_overdue),
      outstandingKurus: big(r.outstanding),
      interestFrom: (r.interest_from as string | null) ?? null,
      rateBp: r.rate_bp === null ? null : Number(r.rate_bp),
      amountKurus: bigOrNull(r.amount),
      ledgerEntryId: (r.ledger_entry_id as string | null) ?? null,
      disconnectionOrderId: (r.disconnection_order_id as string | null) ?? null,
      notificationStatus: (r.notification_status as StepRow['notificationStatus']) ?? null,
      notifiedAt: dateOrNull(r.notified_at),
      createdAt: date(r.created_at),
      createdById: (r.created_by_id as string | null) ?? null,
    }));
  }

  /** Per subscription asked: its live order's status and whether an issued invoice of it is overdue today (its tenant's day). */
  async subscriptionStates(subscriptionIds: string[]): Promise<Map<string, { order: DisconnectionStatus | null; overdue: boolean }>> {
    const out = new Map<string, { order: DisconnectionStatus | null; overdue: boolean }>();
    if (!subscriptionIds.length) return out;
    const { rows } = await sql<{ id: string; order_status: DisconnectionStatus | null; overdue: boolean }>`
      SELECT sub.id,
             (SELECT o.status::text FROM disconnection_order o
               WHERE o.subscription_id = sub.id AND o.status IN ('OPEN', 'DONE', 'RECONNECT_OPEN') LIMIT 1) AS order_status,
             EXISTS (SELECT 1 FROM invoice i
                      WHERE i.subscription_id = sub.id AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
                        AND i.due_date < (now() AT TIME ZONE t.time_zone)::date AND i.gross_kurus - ${allocatedNow} > 0) AS overdue
        FROM subscription sub JOIN tenant t ON t.id = sub.tenant_id
       WHERE sub.id = ANY(${subscriptionIds}::uuid[])`.execute(this.database.db);
    for (const r of rows) out.set(r.id, { order: r.order_status, overdue: r.overdue });
    return out;
  }
}

function toOrder(r: Record<string, unknown>): OrderRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    tenantName: r.tenant_name as string,
    subscriptionId: r.subscription_id as string,
    subscriptionNo: r.subscription_no as string,
    customerId: r.customer_id as string,
    customerName: r.customer_name as string,
    address: (r.address as string | null) || null,
    status: r.status as DisconnectionStatus,
    reason: r.reason as string,
    overdueKurus: big(r.overdue_kurus),
    overdueInvoices: Number(r.overdue_invoices),
    oldestDueDate: r.oldest_due_date as string,
    openedOn: r.opened_on as string,
    openedAt: date(r.opened_at),
    openedById: (r.opened_by_id as string | null) ?? null,
    executedAt: dateOrNull(r.executed_at),
    executedById: (r.executed_by_id as string | null) ?? null,
    executionNote: (r.execution_note as string | null) ?? null,
    cancelledAt: dateOrNull(r.cancelled_at),
    reconnectOpenedAt: dateOrNull(r.reconnect_opened_at),
    reconnectedAt: dateOrNull(r.reconnected_at),
    reconnectedById: (r.reconnected_by_id as string | null) ?? null,
    reconnectionNote: (r.reconnection_note as string | null) ?? null,
  };
}
