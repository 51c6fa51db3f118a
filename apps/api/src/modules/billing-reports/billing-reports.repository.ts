import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';

export interface MonthBilledRow {
  month: string;
  invoicedKurus: bigint;
  creditedKurus: bigint;
  interestKurus: bigint;
  collectedKurus: bigint;
}

export interface AgingAmounts {
  notDueKurus: bigint;
  days0to30Kurus: bigint;
  days31to60Kurus: bigint;
  days61to90Kurus: bigint;
  over90Kurus: bigint;
  totalKurus: bigint;
}

export interface AgingCustomerRow extends AgingAmounts {
  customerId: string;
  customerName: string;
  tenantId: string;
  tenantName: string;
  invoices: number;
}

export interface GroupMonthRow {
  month: string;
  groupId: string;
  groupCode: string;
  groupName: string;
  groupNameEn: string | null;
  invoices: number;
  consumptionM3: number;
  estimatedM3: number;
  netKurus: bigint;
  vatKurus: bigint;
  grossKurus: bigint;
}

const big = (v: unknown): bigint => BigInt((v as string | null) ?? '0');

/** Months [from, to) as first days (YYYY-MM-01); `to` is the first month not reported. */
export interface MonthRange {
  from: string;
  to: string;
}

/**
 * The billing reports' SQL (issue 18): sums over invoices, the ledger, payments and allocations of the
 * tenants asked. No rules here; the service says what the figures mean (docs/decisions.md, "Billing: dunning").
 */
@Injectable()
export class BillingReportsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Per month: gross invoiced (issued invoices by issue date, cancelled ones included), credit notes (negative,
   * by their issue date), interest booked, and money collected (payments less refunds, by the day received in
   * the tenant's zone).
   */
  async billedCollected(tenantIds: string[], range: MonthRange): Promise<MonthBilledRow[]> {
    const { rows } = await sql<Record<string, string>>`
      WITH months AS (
        SELECT generate_series(${range.from}::date, ${range.to}::date - 1, interval '1 month')::date AS month
      ), billed AS (
        SELECT date_trunc('month', i.issue_date)::date AS month,
               sum(i.gross_kurus) FILTER (WHERE i.kind = 'INVOICE') AS invoiced,
               sum(i.gross_kurus) FILTER (WHERE i.kind = 'CREDIT_NOTE') AS credited
          FROM invoice i
         WHERE i.tenant_id = ANY(${tenantIds}::uuid[]) AND i.status <> 'DRAFT'
           AND i.issue_date >= ${range.from}::date AND i.issue_date < ${range.to}::date
         GROUP BY 1
      ), interest AS (
        SELECT date_trunc('month', le.booked_at AT TIME ZONE t.time_zone)::date AS month, sum(le.amount_kurus) AS interest
          FROM ledger_entry le JOIN tenant t ON t.id = le.tenant_id
         WHERE le.tenant_id = ANY(${tenantIds}::uuid[]) AND le.kind = 'INTEREST'
           AND (le.booked_at AT TIME ZONE t.time_zone) >= ${range.from}::date AND (le.booked_at AT TIME ZONE t.time_zone) < ${range.to}::date
         GROUP BY 1
      ), collected AS (
        SELECT date_trunc('month', p.received_at AT TIME ZONE t.time_zone)::date AS month,
               sum(CASE WHEN p.kind = 'PAYMENT' THEN p.amount_kurus ELSE -p.amount_kurus END) AS collected
          FROM payment p JOIN tenant t ON t.id = p.tenant_id
         WHERE p.tenant_id = ANY(${tenantIds}::uuid[])
           AND (p.received_at AT TIME ZONE t.time_zone) >= ${range.from}::date AND (p.received_at AT TIME ZONE t.time_zone) < ${range.to}::date
         GROUP BY 1
      )
      SELECT to_char(m.month, 'YYYY-MM') AS month, coalesce(b.invoiced, 0)::text AS invoiced, coalesce(b.credited, 0)::text AS credited,
             coalesce(x.interest, 0)::text AS interest, coalesce(c.collected, 0)::text AS collected
        FROM months m
        LEFT JOIN billed b ON b.month = m.month
        LEFT JOIN interest x ON x.month = m.month
        LEFT JOIN collected c ON c.month = m.month
       ORDER BY m.month`.execute(this.database.db);
    return rows.map((r) => ({
      month: r.month,
      invoicedKurus: big(r.invoiced),
      creditedKurus: big(r.credited),
      interestKurus: big(r.interest),
      collectedKurus: big(r.collected),
    }));
  }

  /**
   * Issued invoices' outstanding amounts as at the end of `asOf` (each tenant's today when null): gross less the
   * allocations made by then, by days past the due date, per customer (a page of them) and in total.
   */
  async aging(
    tenantIds: string[],
    asOf: string | null,
    page: { limit: number; offset: number },
  ): Promise<{ rows: AgingCustomerRow[]; totals: AgingAmounts; customers: number }> {
    const open = sql`
      WITH open AS (
        SELECT i.customer_id, i.tenant_id, o.rest, o.days
          FROM invoice i
          JOIN tenant t ON t.id = i.tenant_id
          CROSS JOIN LATERAL (SELECT coalesce(${asOf}::date, (now() AT TIME ZONE t.time_zone)::date) AS as_of) d
          CROSS JOIN LATERAL (
            SELECT i.gross_kurus - coalesce((SELECT sum(pa.amount_kurus) FROM payment_allocation pa
                                               WHERE pa.invoice_id = i.id AND (pa.created_at AT TIME ZONE t.time_zone)::date <= d.as_of), 0) AS rest,
                   d.as_of - i.due_date AS days) o
         WHERE i.tenant_id = ANY(${tenantIds}::uuid[]) AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
           AND i.issue_date <= d.as_of AND o.rest > 0)`;
    const buckets = sql`
      coalesce(sum(rest) FILTER (WHERE days < 0), 0)::text AS not_due,
      coalesce(sum(rest) FILTER (WHERE days BETWEEN 0 AND 30), 0)::text AS d0,
      coalesce(sum(rest) FILTER (WHERE days BETWEEN 31 AND 60), 0)::text AS d31,
      coalesce(sum(rest) FILTER (WHERE days BETWEEN 61 AND 90), 0)::text AS d61,
      coalesce(sum(rest) FILTER (WHERE days > 90), 0)::text AS d91,
      coalesce(sum(rest), 0)::text AS total`;
    const { rows } = await sql<Record<string, string | number>>`
      ${open}
      SELECT o.customer_id, coalesce(c.organization_name, trim(concat_ws(' ', c.name, c.surname))) AS customer_name,
             o.tenant_id, t.name AS tenant_name, count(*)::int AS invoices, ${buckets}
        FROM open o JOIN customer c ON c.id = o.customer_id JOIN tenant t ON t.id = o.tenant_id
       GROUP BY o.customer_id, c.organization_name, c.name, c.surname, o.tenant_id, t.name
       ORDER BY sum(rest) DESC, o.customer_id
       LIMIT ${page.limit} OFFSET ${page.offset}`.execute(this.database.db);
    const { rows: totals } = await sql<Record<string, string | number>>`
      ${open} SELECT count(DISTINCT customer_id)::int AS customers, ${buckets} FROM open`.execute(this.database.db);
    const amounts = (r: Record<string, string | number>): AgingAmounts => ({
      notDueKurus: big(r.not_due),
      days0to30Kurus: big(r.d0),
      days31to60Kurus: big(r.d31),
      days61to90Kurus: big(r.d61),
      over90Kurus: big(r.d91),
      totalKurus: big(r.total),
    });
    return {
      rows: rows.map((r) => ({
        customerId: r.customer_id as string,
        customerName: r.customer_name as string,
        tenantId: r.tenant_id as string,
        tenantName: r.tenant_name as string,
        invoices: Number(r.invoices),
        ...amounts(r),
      })),
      totals: amounts(totals[0]),
      customers: Number(totals[0].customers),
    };
  }

  /** Per month of the billing period and subscription group (the subscription's group today): issued invoices' m³ and money. */
  async byGroup(tenantIds: string[], range: MonthRange): Promise<GroupMonthRow[]> {
    const { rows } = await sql<Record<string, string | number>>`
      SELECT to_char(date_trunc('month', i.period_start), 'YYYY-MM') AS month, g.id AS group_id, g.code, g.name, g.name_en,
             count(*)::int AS invoices, sum(i.consumption_m3)::text AS consumption, sum(i.estimated_m3)::text AS estimated,
             sum(i.net_kurus)::text AS net, sum(i.vat_kurus)::text AS vat, sum(i.gross_kurus)::text AS gross
        FROM invoice i
        JOIN subscription sub ON sub.id = i.subscription_id
        JOIN subscription_group g ON g.id = sub.group_id
       WHERE i.tenant_id = ANY(${tenantIds}::uuid[]) AND i.kind = 'INVOICE' AND i.status = 'ISSUED'
         AND i.period_start >= ${range.from}::date AND i.period_start < ${range.to}::date
       GROUP BY 1, g.id, g.code, g.name, g.name_en
       ORDER BY 1, g.code`.execute(this.database.db);
    return rows.map((r) => ({
      month: r.month as string,
      groupId: r.group_id as string,
      groupCode: r.code as string,
      groupName: r.name as string,
      groupNameEn: (r.name_en as string | null) ?? null,
      invoices: Number(r.invoices),
      consumptionM3: Number(r.consumption),
      estimatedM3: Number(r.estimated),
      netKurus: big(r.net),
      vatKurus: big(r.vat),
      grossKurus: big(r.gross),
    }));
  }
}
