import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { Draft } from './drafts';

/** Statements of billing runs, invoices and billing settings. Money and m³ are read as text (exact), dates as ISO text. */

export interface SettingsRow {
  tenantId: string;
  depth: number;
  noReadingPolicy: 'ESTIMATE' | 'MINIMUM';
  paymentTermDays: number;
  scheduledRunDay: number | null;
  reminderDays: number[];
  disconnectionAfterDays: number;
  invoiceLanguage: string;
}

export interface SettingsValues {
  noReadingPolicy: 'ESTIMATE' | 'MINIMUM';
  paymentTermDays: number;
  scheduledRunDay: number | null;
  reminderDays: number[];
  disconnectionAfterDays: number;
  invoiceLanguage: 'tr' | 'en';
}

export type RunStatus = 'QUEUED' | 'RUNNING' | 'DRAFT' | 'ISSUING' | 'ISSUED' | 'FAILED';

export interface RunRow {
  id: string;
  tenant_id: string;
  tenant_name: string;
  time_zone: string;
  period_start: string;
  period_end: string;
  status: RunStatus;
  subscriptions_total: number;
  subscriptions_done: number;
  invoice_count: number;
  issued_count: number;
  net_kurus: string;
  vat_kurus: string;
  gross_kurus: string;
  problems: { subscriptionId: string; subscriptionNo: string; reason: string }[];
  error: string | null;
  started_by_id: string | null;
  issued_by_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  issued_at: Date | null;
}

export interface BillableSubscription {
  id: string;
  subscription_no: string;
  customer_id: string;
  subscription_type: string;
  group_id: string;
  service_start: string;
  service_end: string;
}

export interface InvoiceRow {
  id: string;
  tenant_id: string;
  tenant_name: string;
  billing_run_id: string | null;
  subscription_id: string;
  subscription_no: string;
  customer_id: string;
  customer_name: string;
  kind: 'INVOICE' | 'CREDIT_NOTE';
  status: 'DRAFT' | 'ISSUED' | 'CANCELLED';
  number: string | null;
  period_start: string;
  period_end: string;
  issue_date: string | null;
  due_date: string | null;
  consumption_m3: string;
  estimated_m3: string;
  net_kurus: string;
  vat_kurus: string;
  gross_kurus: string;
  currency: string;
  language: string;
  corrects_invoice_id: string | null;
  snapshot: unknown;
  pdf_key: string | null;
  cancel_reason: string | null;
  created_at: Date;
  issued_at: Date | null;
  cancelled_at: Date | null;
}

export interface InvoiceLineRow {
  ordinal: number;
  component: string;
  tier: number | null;
  code: string | null;
  description: string;
  tariff_version_id: string | null;
  segment_start: string | null;
  segment_end: string | null;
  quantity_m3: string | null;
  unit_price_kurus: number | null;
  net_kurus: string;
  vat_rate_bp: number;
  vat_kurus: string;
  gross_kurus: string;
}

export interface InvoiceFilters {
  tenantIds: string[];
  runId?: string;
  status?: string;
  kind?: string;
  subscriptionId?: string;
  customerId?: string;
  number?: string;
  periodStart?: string;
  offset: number;
  limit: number;
}

export interface RunFilters {
  tenantIds: string[];
  status?: string;
  periodStart?: string;
  offset: number;
  limit: number;
}

/** A draft to store: the subscription it bills and what `computeDraft` made of it. */
export interface NewDraft {
  subscriptionId: string;
  customerId: string;
  periodStart: string;
  periodEnd: string;
  language: string;
  correctsInvoiceId: string | null;
  draft: Draft;
}

const m3 = (litres: number) => (litres / 1000).toFixed(3);

const RUN_COLUMNS = sql`r.id, r.tenant_id, tn.name AS tenant_name, tn.time_zone, r.period_start::text, r.period_end::text, r.status::text,
  r.subscriptions_total, r.subscriptions_done, r.invoice_count,
  CASE WHEN r.status IN ('ISSUING', 'ISSUED')
       THEN (SELECT count(*)::int FROM invoice i WHERE i.billing_run_id = r.id AND i.status <> 'DRAFT') ELSE 0 END AS issued_count,
  r.net_kurus::text, r.vat_kurus::text, r.gross_kurus::text, r.problems, r.error, r.started_by_id, r.issued_by_id,
  r.created_at, r.started_at, r.finished_at, r.issued_at`;

const INVOICE_COLUMNS = sql`i.id, i.tenant_id, tn.name AS tenant_name, i.billing_run_id, i.subscription_id, s.subscription_no, i.customer_id,
  coalesce(c.organization_name, concat_ws(' ', c.name, c.surname)) AS customer_name,
  i.kind::text, i.status::text, i.number, i.period_start::text, i.period_end::text, i.issue_date::text, i.due_date::text,
  i.consumption_m3::text, i.estimated_m3::text, i.net_kurus::text, i.vat_kurus::text, i.gross_kurus::text, i.currency, i.language,
  i.corrects_invoice_id, i.snapshot, i.pdf_key, i.cancel_reason, i.created_at, i.issued_at, i.cancelled_at`;

const INVOICE_FROM = sql`invoice i JOIN tenant tn ON tn.id = i.tenant_id JOIN subscription s ON s.id = i.subscription_id
  JOIN customer c ON c.id = i.customer_id`;

@Injectable()
export class InvoicingRepository {
  constructor(private readonly database: DatabaseService) {}

  private async run<R>(tx: Transaction | undefined, query: RawBuilder<R>): Promise<R[]> {
    if (!tx) return (await query.execute(this.database.db)).rows;
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  // ─── Tenants and settings ──────────────────────────────────────────────────────

  async tenant(id: string): Promise<{ id: string; name: string; time_zone: string } | undefined> {
    const [row] = await this.run(
      undefined,
      sql<{ id: string; name: string; time_zone: string }>`
      SELECT id, name, time_zone FROM tenant WHERE id = ${id}::uuid`,
    );
    return row;
  }

  /** The settings rows of the tenant and its ancestors, nearest first. */
  async settingsChain(tenantId: string): Promise<SettingsRow[]> {
    const rows = await this.run(
      undefined,
      sql<{
        tenant_id: string;
        depth: number;
        no_reading_policy: 'ESTIMATE' | 'MINIMUM';
        payment_term_days: number;
        scheduled_run_day: number | null;
        reminder_days: number[] | null;
        disconnection_after_days: number;
        invoice_language: string;
      }>`
      SELECT s.tenant_id, nlevel(a.path) AS depth, s.no_reading_policy::text AS no_reading_policy, s.payment_term_days,
             s.scheduled_run_day, s.reminder_days, s.disconnection_after_days, s.invoice_language
        FROM tenant t JOIN tenant a ON a.path @> t.path JOIN billing_settings s ON s.tenant_id = a.id
       WHERE t.id = ${tenantId}::uuid
       ORDER BY nlevel(a.path) DESC`,
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      depth: r.depth,
      noReadingPolicy: r.no_reading_policy,
      paymentTermDays: r.payment_term_days,
      scheduledRunDay: r.scheduled_run_day,
      reminderDays: r.reminder_days ?? [],
      disconnectionAfterDays: r.disconnection_after_days,
      invoiceLanguage: r.invoice_language,
    }));
  }

  async saveSettings(tx: Transaction, tenantId: string, v: SettingsValues): Promise<void> {
    await this.run(
      tx,
      sql`INSERT INTO billing_settings (tenant_id, no_reading_policy, payment_term_days, scheduled_run_day, reminder_days,
                                      disconnection_after_days, invoice_language, updated_at)
          VALUES (${tenantId}::uuid, ${v.noReadingPolicy}::no_reading_policy, ${v.paymentTermDays}, ${v.scheduledRunDay}::smallint,
                  ${v.reminderDays}::smallint[], ${v.disconnectionAfterDays}, ${v.invoiceLanguage}, now())
          ON CONFLICT (tenant_id) DO UPDATE SET no_reading_policy = EXCLUDED.no_reading_policy,
            payment_term_days = EXCLUDED.payment_term_days, scheduled_run_day = EXCLUDED.scheduled_run_day,
            reminder_days = EXCLUDED.reminder_days, disconnection_after_days = EXCLUDED.disconnection_after_days,
            invoice_language = EXCLUDED.invoice_language, updated_at = now()
          RETURNING tenant_id`,
    );
  }

  /** Every tenant with its time zone and the scheduled run day that applies there (its own row's, else the nearest ancestor's). */
  async scheduledRunDays(): Promise<{ id: string; time_zone: string; day: number | null }[]> {
    return this.run(
      undefined,
      sql<{ id: string; time_zone: string; day: number | null }>`
      SELECT t.id, t.time_zone,
             (SELECT s.scheduled_run_day FROM tenant a JOIN billing_settings s ON s.tenant_id = a.id
               WHERE a.path @> t.path ORDER BY nlevel(a.path) DESC LIMIT 1) AS day
        FROM tenant t`,
    );
  }

  // ─── Runs ──────────────────────────────────────────────────────────────────────

  async findRun(id: string, tx?: Transaction): Promise<RunRow | undefined> {
    const [row] = await this.run(
      tx,
      sql<RunRow>`SELECT ${RUN_COLUMNS} FROM billing_run r JOIN tenant tn ON tn.id = r.tenant_id WHERE r.id = ${id}::uuid`,
    );
    return row;
  }

  /** The run of a tenant and period, created QUEUED when there is none; locked until the transaction ends. */
  async lockRunForPeriod(
    tx: Transaction,
    tenantId: string,
    periodStart: string,
    periodEnd: string,
    userId: string | null,
  ): Promise<{ id: string; status: RunStatus; generation: number; created: boolean }> {
    const [inserted] = await this.run(
      tx,
      sql<{ id: string }>`INSERT INTO billing_run (tenant_id, period_start, period_end, started_by_id)
        VALUES (${tenantId}::uuid, ${periodStart}::date, ${periodEnd}::date, ${userId}::uuid)
        ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id`,
    );
    const [row] = await this.run(
      tx,
      sql<{ id: string; status: RunStatus; generation: number }>`SELECT id, status::text AS status, queue_generation AS generation
        FROM billing_run WHERE tenant_id = ${tenantId}::uuid AND period_start = ${periodStart}::date FOR UPDATE`,
    );
    return { ...row, created: Boolean(inserted) };
  }

  /**
   * A scheduled run: created QUEUED unless the period has one. Its id and generation when it is QUEUED
   * (new, or left queued by a process that died before enqueueing), so its job is (re-)enqueued by id.
   */
  async createScheduledRun(
    tx: Transaction,
    tenantId: string,
    periodStart: string,
    periodEnd: string,
  ): Promise<{ id: string; generation: number; created: boolean } | undefined> {
    const [inserted] = await this.run(
      tx,
      sql<{ id: string }>`INSERT INTO billing_run (tenant_id, period_start, period_end)
        VALUES (${tenantId}::uuid, ${periodStart}::date, ${periodEnd}::date)
        ON CONFLICT (tenant_id, period_start) DO NOTHING RETURNING id`,
    );
    const [row] = await this.run(
      tx,
      sql<{ id: string; generation: number }>`SELECT id, queue_generation AS generation FROM billing_run
        WHERE tenant_id = ${tenantId}::uuid AND period_start = ${periodStart}::date AND status = 'QUEUED'`,
    );
    return row ? { ...row, created: Boolean(inserted) } : undefined;
  }

  /** Queues the run again under the next generation (a new compute job id); returns that generation. */
  async requeueRun(tx: Transaction, id: string, userId: string | null): Promise<number> {
    const [row] = await this.run(
      tx,
      sql<{
        generation: number;
      }>`UPDATE billing_run SET status = 'QUEUED', subscriptions_total = 0, subscriptions_done = 0, invoice_count = 0,
            net_kurus = 0, vat_kurus = 0, gross_kurus = 0, problems = '[]', error = NULL, started_by_id = ${userId}::uuid,
            started_at = NULL, finished_at = NULL, queue_generation = queue_generation + 1
          WHERE id = ${id}::uuid RETURNING queue_generation AS generation`,
    );
    return row.generation;
  }

  async listRuns(f: RunFilters): Promise<{ rows: RunRow[]; total: number }> {
    const where = sql`r.tenant_id = ANY(${f.tenantIds}::uuid[])
      ${f.status ? sql`AND r.status = ${f.status}::billing_run_status` : sql``}
      ${f.periodStart ? sql`AND r.period_start = ${f.periodStart}::date` : sql``}`;
    const rows = await this.run(
      undefined,
      sql<RunRow>`SELECT ${RUN_COLUMNS} FROM billing_run r JOIN tenant tn ON tn.id = r.tenant_id WHERE ${where}
        ORDER BY r.period_start DESC, tn.name, r.id LIMIT ${f.limit} OFFSET ${f.offset}`,
    );
    const [{ n }] = await this.run(undefined, sql<{ n: number }>`SELECT count(*)::int AS n FROM billing_run r WHERE ${where}`);
    return { rows, total: n };
  }

  /** Takes a queued (or interrupted) run for computing: RUNNING with its counters reset. */
  async claimRun(id: string): Promise<RunRow | undefined> {
    const [row] = await this.run(
      undefined,
      sql<{ id: string }>`UPDATE billing_run SET status = 'RUNNING', started_at = now(), finished_at = NULL, subscriptions_total = 0,
          subscriptions_done = 0, invoice_count = 0, net_kurus = 0, vat_kurus = 0, gross_kurus = 0, problems = '[]', error = NULL
        WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING') RETURNING id`,
    );
    return row ? this.findRun(id) : undefined;
  }

  async deleteRunDrafts(runId: string): Promise<void> {
    await this.run(undefined, sql`DELETE FROM invoice WHERE billing_run_id = ${runId}::uuid AND status = 'DRAFT'`);
  }

  /**
   * The tenant's subscriptions served in [periodStart, periodEnd) (meter history in the tenant's zone),
   * with their service days in it; those with a live invoice for the period outside this run's drafts
   * (issued, or a re-issue draft) are left out.
   */
  async billableSubscriptions(tenantId: string, periodStart: string, periodEnd: string, timeZone: string): Promise<BillableSubscription[]> {
    return this.run(
      undefined,
      sql<BillableSubscription>`
      SELECT s.id, s.subscription_no, s.customer_id, s.subscription_type::text AS subscription_type, s.group_id,
             greatest(${periodStart}::date, min((sm.started_at AT TIME ZONE ${timeZone})::date))::text AS service_start,
             least(${periodEnd}::date, max(CASE WHEN sm.ended_at IS NULL THEN ${periodEnd}::date
                   ELSE ((sm.ended_at AT TIME ZONE ${timeZone}) - interval '1 microsecond')::date + 1 END))::text AS service_end
        FROM subscription s JOIN subscription_meter sm ON sm.subscription_id = s.id
       WHERE s.tenant_id = ${tenantId}::uuid
         AND sm.started_at < (${periodEnd}::date::timestamp AT TIME ZONE ${timeZone})
         AND (sm.ended_at IS NULL OR sm.ended_at > (${periodStart}::date::timestamp AT TIME ZONE ${timeZone}))
         AND NOT EXISTS (SELECT 1 FROM invoice i WHERE i.subscription_id = s.id AND i.period_start = ${periodStart}::date
                            AND i.kind = 'INVOICE' AND i.status <> 'CANCELLED')
       GROUP BY s.id
       ORDER BY s.subscription_no`,
    );
  }

  /** The period's rollups per subscription of the tenant: one pass over the tenant's days. */
  async periodConsumption(
    tenantId: string,
    periodStart: string,
    periodEnd: string,
  ): Promise<Map<string, { m3: string; estimated: string }>> {
    const rows = await this.run(
      undefined,
      sql<{ subscription_id: string; m3: string; estimated: string }>`
      SELECT subscription_id, sum(consumption_m3)::text AS m3, sum(estimated_m3)::text AS estimated
        FROM meter_daily_consumption
       WHERE tenant_id = ${tenantId}::uuid AND day >= ${periodStart}::date AND day < ${periodEnd}::date AND subscription_id IS NOT NULL
       GROUP BY subscription_id`,
    );
    return new Map(rows.map((r) => [r.subscription_id, { m3: r.m3, estimated: r.estimated }]));
  }

  /** Sums of the rollups over [from, to) and the days that have one, for each subscription asked. */
  async rollups(
    subscriptionIds: string[],
    from: string,
    to: string,
  ): Promise<Map<string, { m3: string; estimated: string; days: number }>> {
    if (!subscriptionIds.length) return new Map();
    const rows = await this.run(
      undefined,
      sql<{ subscription_id: string; m3: string; estimated: string; days: number }>`
      SELECT subscription_id, sum(consumption_m3)::text AS m3, sum(estimated_m3)::text AS estimated, count(DISTINCT day)::int AS days
        FROM meter_daily_consumption
       WHERE subscription_id = ANY(${subscriptionIds}::uuid[]) AND day >= ${from}::date AND day < ${to}::date
       GROUP BY subscription_id`,
    );
    return new Map(rows.map((r) => [r.subscription_id, { m3: r.m3, estimated: r.estimated, days: r.days }]));
  }

  /**
   * For each subscription asked, over its live issued invoices of periods before `periodStart`: the
   * consumption billed (the invoice's plus the corrections it carried) and what the rollups of those
   * periods hold now (a period without rollups counts as billed: nothing new is known about it).
   */
  async earlierPeriods(subscriptionIds: string[], periodStart: string): Promise<Map<string, { billed: string; current: string }>> {
    if (!subscriptionIds.length) return new Map();
    const rows = await this.run(
      undefined,
      sql<{ subscription_id: string; billed: string; current: string }>`
      SELECT i.subscription_id,
             sum(i.consumption_m3 + coalesce(c.m3, 0))::text AS billed,
             sum(CASE WHEN d.n > 0 THEN d.m3 ELSE i.consumption_m3 END)::text AS current
        FROM invoice i
        LEFT JOIN LATERAL (SELECT sum(l.quantity_m3) AS m3 FROM invoice_line l
                            WHERE l.invoice_id = i.id AND l.component = 'CORRECTION') c ON true
        LEFT JOIN LATERAL (SELECT count(*) AS n, sum(m.consumption_m3) AS m3 FROM meter_daily_consumption m
                            WHERE m.subscription_id = i.subscription_id AND m.day >= i.period_start AND m.day < i.period_end) d ON true
       WHERE i.subscription_id = ANY(${subscriptionIds}::uuid[]) AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
         AND i.period_start < ${periodStart}::date
       GROUP BY i.subscription_id`,
    );
    return new Map(rows.map((r) => [r.subscription_id, { billed: r.billed, current: r.current }]));
  }

  /** Stores drafts and their lines: two statements over arrays, in one transaction. */
  async insertDrafts(tenantId: string, runId: string | null, drafts: NewDraft[], tx?: Transaction): Promise<string[]> {
    if (!drafts.length) return [];
    const ids = drafts.map(() => randomUUID());
    const col = <T>(pick: (d: NewDraft) => T) => drafts.map(pick);
    const lines = drafts.flatMap((d, i) => d.draft.lines.map((l, k) => ({ ...l, invoiceId: ids[i], ordinal: k + 1 })));
    const lcol = <T>(pick: (l: (typeof lines)[number]) => T) => lines.map(pick);
    const invoices = sql`INSERT INTO invoice (id, tenant_id, billing_run_id, subscription_id, customer_id, period_start, period_end,
          consumption_m3, estimated_m3, net_kurus, vat_kurus, gross_kurus, language, corrects_invoice_id)
      SELECT u.id, ${tenantId}::uuid, ${runId}::uuid, u.subscription_id, u.customer_id, u.period_start, u.period_end,
             u.consumption_m3, u.estimated_m3, u.net, u.vat, u.gross, u.language, u.corrects
        FROM unnest(${ids}::uuid[], ${col((d) => d.subscriptionId)}::uuid[], ${col((d) => d.customerId)}::uuid[],
                    ${col((d) => d.periodStart)}::date[], ${col((d) => d.periodEnd)}::date[],
                    ${col((d) => m3(d.draft.consumptionLitres))}::numeric[], ${col((d) => m3(d.draft.estimatedLitres))}::numeric[],
                    ${col((d) => String(d.draft.netKurus))}::bigint[], ${col((d) => String(d.draft.vatKurus))}::bigint[],
                    ${col((d) => String(d.draft.grossKurus))}::bigint[], ${col((d) => d.language)}::text[],
                    ${col((d) => d.correctsInvoiceId)}::uuid[])
          AS u(id, subscription_id, customer_id, period_start, period_end, consumption_m3, estimated_m3, net, vat, gross, language, corrects)`;
    const lineRows = sql`INSERT INTO invoice_line (invoice_id, tenant_id, ordinal, component, tier, code, description, tariff_version_id,
          segment_start, segment_end, quantity_m3, unit_price_kurus, net_kurus, vat_rate_bp, vat_kurus, gross_kurus)
      SELECT u.invoice_id, ${tenantId}::uuid, u.ordinal, u.component::invoice_line_component, u.tier, u.code, u.description, u.version,
             u.segment_start, u.segment_end, u.quantity, u.unit_price, u.net, u.vat_rate, u.vat, u.gross
        FROM unnest(${lcol((l) => l.invoiceId)}::uuid[], ${lcol((l) => l.ordinal)}::int[], ${lcol((l) => l.component)}::text[],
                    ${lcol((l) => l.tier)}::int[], ${lcol((l) => l.code)}::text[], ${lcol((l) => l.description)}::text[],
                    ${lcol((l) => l.tariffVersionId)}::uuid[], ${lcol((l) => l.segmentStart)}::date[], ${lcol((l) => l.segmentEnd)}::date[],
                    ${lcol((l) => l.quantityM3)}::numeric[], ${lcol((l) => l.unitPriceKurus)}::int[], ${lcol((l) => String(l.netKurus))}::bigint[],
                    ${lcol((l) => l.vatRateBp)}::int[], ${lcol((l) => String(l.vatKurus))}::bigint[], ${lcol((l) => String(l.grossKurus))}::bigint[])
          AS u(invoice_id, ordinal, component, tier, code, description, version, segment_start, segment_end, quantity, unit_price,
               net, vat_rate, vat, gross)`;
    if (tx) {
      await this.run(tx, sql`${invoices} RETURNING id`);
      if (lines.length) await this.run(tx, sql`${lineRows} RETURNING id`);
    } else {
      await this.database.db.transaction().execute(async (trx) => {
        await invoices.execute(trx);
        if (lines.length) await lineRows.execute(trx);
      });
    }
    return ids;
  }

  async updateRunProgress(
    id: string,
    p: { total: number; done: number; invoices: number; net: bigint; vat: bigint; gross: bigint; problems: unknown[] },
  ): Promise<void> {
    await this.run(
      undefined,
      sql`UPDATE billing_run SET subscriptions_total = ${p.total}, subscriptions_done = ${p.done}, invoice_count = ${p.invoices},
            net_kurus = ${String(p.net)}::bigint, vat_kurus = ${String(p.vat)}::bigint, gross_kurus = ${String(p.gross)}::bigint,
            problems = ${JSON.stringify(p.problems)}::jsonb
          WHERE id = ${id}::uuid AND status = 'RUNNING'`,
    );
  }

  async finishRun(id: string, status: 'DRAFT' | 'FAILED', error: string | null): Promise<void> {
    await this.run(
      undefined,
      sql`UPDATE billing_run SET status = ${status}::billing_run_status, error = ${error}, finished_at = now()
          WHERE id = ${id}::uuid AND status IN ('QUEUED', 'RUNNING')`,
    );
  }

  /** DRAFT (or an interrupted ISSUING) → ISSUING; answers the status found when it was neither. */
  async startIssuing(tx: Transaction, id: string, userId: string | null): Promise<RunStatus> {
    const [row] = await this.run(
      tx,
      sql<{ status: RunStatus }>`SELECT status::text AS status FROM billing_run WHERE id = ${id}::uuid FOR UPDATE`,
    );
    if (row.status === 'DRAFT' || row.status === 'ISSUING') {
      await this.run(
        tx,
        sql`UPDATE billing_run SET status = 'ISSUING', issued_by_id = coalesce(issued_by_id, ${userId}::uuid) WHERE id = ${id}::uuid
            RETURNING id`,
      );
    }
    return row.status;
  }

  async runDraftIds(runId: string): Promise<string[]> {
    const rows = await this.run(
      undefined,
      sql<{ id: string }>`SELECT i.id FROM invoice i JOIN subscription s ON s.id = i.subscription_id
        WHERE i.billing_run_id = ${runId}::uuid AND i.status = 'DRAFT' ORDER BY s.subscription_no, i.id`,
    );
    return rows.map((r) => r.id);
  }

  async finishIssuing(id: string): Promise<void> {
    await this.run(
      undefined,
      sql`UPDATE billing_run SET status = 'ISSUED', issued_at = now() WHERE id = ${id}::uuid AND status = 'ISSUING'`,
    );
  }

  // ─── Invoices ──────────────────────────────────────────────────────────────────

  async findInvoice(id: string, tx?: Transaction, lock = false): Promise<InvoiceRow | undefined> {
    const [row] = await this.run(
      tx,
      sql<InvoiceRow>`SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM} WHERE i.id = ${id}::uuid ${lock ? sql`FOR UPDATE OF i` : sql``}`,
    );
    return row;
  }

  async invoiceLines(id: string, tx?: Transaction): Promise<InvoiceLineRow[]> {
    return this.run(
      tx,
      sql<InvoiceLineRow>`SELECT ordinal, component::text, tier, code, description, tariff_version_id, segment_start::text,
          segment_end::text, quantity_m3::text, unit_price_kurus, net_kurus::text, vat_rate_bp, vat_kurus::text, gross_kurus::text
        FROM invoice_line WHERE invoice_id = ${id}::uuid ORDER BY ordinal`,
    );
  }

  async listInvoices(f: InvoiceFilters): Promise<{ rows: InvoiceRow[]; total: number }> {
    const where = sql`i.tenant_id = ANY(${f.tenantIds}::uuid[])
      ${f.runId ? sql`AND i.billing_run_id = ${f.runId}::uuid` : sql``}
      ${f.status ? sql`AND i.status = ${f.status}::invoice_status` : sql``}
      ${f.kind ? sql`AND i.kind = ${f.kind}::invoice_kind` : sql``}
      ${f.subscriptionId ? sql`AND i.subscription_id = ${f.subscriptionId}::uuid` : sql``}
      ${f.customerId ? sql`AND i.customer_id = ${f.customerId}::uuid` : sql``}
      ${f.number ? sql`AND starts_with(i.number, ${f.number})` : sql``}
      ${f.periodStart ? sql`AND i.period_start = ${f.periodStart}::date` : sql``}`;
    const rows = await this.run(
      undefined,
      sql<InvoiceRow>`SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM} WHERE ${where}
        ORDER BY i.period_start DESC, i.number NULLS LAST, s.subscription_no, i.id LIMIT ${f.limit} OFFSET ${f.offset}`,
    );
    const [{ n }] = await this.run(undefined, sql<{ n: number }>`SELECT count(*)::int AS n FROM invoice i WHERE ${where}`);
    return { rows, total: n };
  }

  /** Customer, subscription, address and tenant as they are now, for an invoice's snapshot at issue. */
  async snapshotOf(tx: Transaction, invoiceId: string): Promise<Record<string, unknown>> {
    const [row] = await this.run(
      tx,
      sql<{ snapshot: Record<string, unknown> }>`
      SELECT jsonb_build_object(
        'tenant', jsonb_build_object('id', tn.id, 'name', tn.name, 'taxId', tn.tax_id, 'taxOffice', tn.tax_office),
        'customer', jsonb_build_object('id', c.id, 'type', c.customer_type, 'name', c.name, 'surname', c.surname,
                                       'organizationName', c.organization_name, 'taxId', c.tax_id, 'taxOffice', c.tax_office),
        'subscription', jsonb_build_object('id', s.id, 'subscriptionNo', s.subscription_no, 'type', s.subscription_type,
                                           'group', g.name),
        'address', CASE WHEN a.id IS NULL THEN NULL ELSE jsonb_build_object('city', a.city, 'district', a.district,
                     'neighborhood', a.neighborhood, 'street', a.street, 'buildingNo', a.building_no, 'floor', a.floor,
                     'doorNo', a.door_no, 'postalCode', a.postal_code) END) AS snapshot
        FROM invoice i JOIN tenant tn ON tn.id = i.tenant_id JOIN customer c ON c.id = i.customer_id
        JOIN subscription s ON s.id = i.subscription_id JOIN subscription_group g ON g.id = s.group_id
        LEFT JOIN address a ON a.id = coalesce(s.address_id, c.address_id)
       WHERE i.id = ${invoiceId}::uuid`,
    );
    return row?.snapshot ?? {};
  }

  /** DRAFT → ISSUED (the numbering trigger gives the number); undefined when it was no longer a draft. */
  async issue(
    tx: Transaction,
    id: string,
    v: { issueDate: string; dueDate: string; userId: string | null; snapshot: Record<string, unknown> },
  ): Promise<{ number: string; gross_kurus: string } | undefined> {
    const [row] = await this.run(
      tx,
      sql<{ number: string; gross_kurus: string }>`UPDATE invoice SET status = 'ISSUED', issue_date = ${v.issueDate}::date,
          due_date = ${v.dueDate}::date, issued_at = now(), issued_by_id = ${v.userId}::uuid, snapshot = ${JSON.stringify(v.snapshot)}::jsonb,
          updated_at = now()
        WHERE id = ${id}::uuid AND status = 'DRAFT' RETURNING number, gross_kurus::text`,
    );
    return row;
  }

  async bookLedger(
    tx: Transaction,
    e: {
      tenantId: string;
      customerId: string;
      subscriptionId: string;
      kind: 'INVOICE' | 'CREDIT_NOTE';
      amountKurus: string;
      invoiceId: string;
      description: string;
      userId: string | null;
    },
  ): Promise<void> {
    await this.run(
      tx,
      sql`INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, invoice_id, description, created_by_id)
          VALUES (${e.tenantId}::uuid, ${e.customerId}::uuid, ${e.subscriptionId}::uuid, ${e.kind}::ledger_entry_kind,
                  ${e.amountKurus}::bigint, ${e.invoiceId}::uuid, ${e.description}, ${e.userId}::uuid) RETURNING id`,
    );
  }

  /** ISSUED → CANCELLED; false when it was not issued any more. */
  async cancel(tx: Transaction, id: string, reason: string, userId: string | null): Promise<boolean> {
    const rows = await this.run(
      tx,
      sql<{ id: string }>`UPDATE invoice SET status = 'CANCELLED', cancelled_at = now(), cancelled_by_id = ${userId}::uuid,
          cancel_reason = ${reason}, updated_at = now()
        WHERE id = ${id}::uuid AND status = 'ISSUED' AND kind = 'INVOICE' RETURNING id`,
    );
    return rows.length === 1;
  }

  /** The credit note of a cancelled invoice: a draft with the negated lines and totals, then issued (numbered). */
  async creditNote(
    tx: Transaction,
    originalId: string,
    v: { issueDate: string; userId: string | null },
  ): Promise<{ id: string; number: string; gross_kurus: string }> {
    const id = randomUUID();
    await this.run(
      tx,
      sql`INSERT INTO invoice (id, tenant_id, billing_run_id, subscription_id, customer_id, kind, period_start, period_end,
            consumption_m3, estimated_m3, net_kurus, vat_kurus, gross_kurus, language, corrects_invoice_id, snapshot)
          SELECT ${id}::uuid, tenant_id, NULL, subscription_id, customer_id, 'CREDIT_NOTE', period_start, period_end,
                 -consumption_m3, -estimated_m3, -net_kurus, -vat_kurus, -gross_kurus, language, id, snapshot
            FROM invoice WHERE id = ${originalId}::uuid RETURNING id`,
    );
    await this.run(
      tx,
      sql`INSERT INTO invoice_line (invoice_id, tenant_id, ordinal, component, tier, code, description, tariff_version_id,
            segment_start, segment_end, quantity_m3, unit_price_kurus, net_kurus, vat_rate_bp, vat_kurus, gross_kurus)
          SELECT ${id}::uuid, tenant_id, ordinal, component, tier, code, description, tariff_version_id, segment_start, segment_end,
                 -quantity_m3, unit_price_kurus, -net_kurus, vat_rate_bp, -vat_kurus, -gross_kurus
            FROM invoice_line WHERE invoice_id = ${originalId}::uuid RETURNING id`,
    );
    const [row] = await this.run(
      tx,
      sql<{ number: string; gross_kurus: string }>`UPDATE invoice SET status = 'ISSUED', issue_date = ${v.issueDate}::date,
          due_date = ${v.issueDate}::date, issued_at = now(), issued_by_id = ${v.userId}::uuid
        WHERE id = ${id}::uuid RETURNING number, gross_kurus::text`,
    );
    return { id, ...row };
  }

  /** One subscription's billing facts for a re-issue: its service days in the period. */
  async subscriptionForPeriod(
    tx: Transaction,
    subscriptionId: string,
    periodStart: string,
    periodEnd: string,
    timeZone: string,
  ): Promise<BillableSubscription | undefined> {
    const [row] = await this.run(
      tx,
      sql<BillableSubscription>`
      SELECT s.id, s.subscription_no, s.customer_id, s.subscription_type::text AS subscription_type, s.group_id,
             greatest(${periodStart}::date, min((sm.started_at AT TIME ZONE ${timeZone})::date))::text AS service_start,
             least(${periodEnd}::date, max(CASE WHEN sm.ended_at IS NULL THEN ${periodEnd}::date
                   ELSE ((sm.ended_at AT TIME ZONE ${timeZone}) - interval '1 microsecond')::date + 1 END))::text AS service_end
        FROM subscription s JOIN subscription_meter sm ON sm.subscription_id = s.id
       WHERE s.id = ${subscriptionId}::uuid
         AND sm.started_at < (${periodEnd}::date::timestamp AT TIME ZONE ${timeZone})
         AND (sm.ended_at IS NULL OR sm.ended_at > (${periodStart}::date::timestamp AT TIME ZONE ${timeZone}))
       GROUP BY s.id`,
    );
    return row;
  }
}
