import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { escapeLike } from '../../core/database/like';
import { matchesSearch } from '../../core/database/search';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export interface CustomerRef {
  id: string;
  tenantId: string;
  name: string;
  timeZone: string;
}

export interface OpenInvoiceRow {
  id: string;
  tenantId: string;
  number: string;
  subscriptionId: string;
  issueDate: Date;
  dueDate: Date;
  grossKurus: bigint;
  outstandingKurus: bigint;
}

export interface CreditRow {
  id: string;
  tenantId: string;
  remainingKurus: bigint;
}

export interface AllocationRow {
  paymentId: string;
  invoiceId: string;
  amountKurus: bigint;
}

export interface InvoiceRef {
  id: string;
  tenantId: string;
  customerId: string;
  subscriptionId: string;
  kind: 'INVOICE' | 'CREDIT_NOTE';
  status: 'DRAFT' | 'ISSUED' | 'CANCELLED';
  number: string | null;
}

export interface SubscriptionRef {
  id: string;
  tenantId: string;
  customerId: string;
  subscriptionNo: string;
}

export interface PaymentRow {
  id: string;
  tenantId: string;
  customerId: string;
  customerName: string;
  subscriptionId: string | null;
  kind: 'PAYMENT' | 'REFUND';
  method: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
  amountKurus: bigint;
  currency: string;
  receivedAt: Date;
  receiptNo: string | null;
  reference: string | null;
  externalId: string | null;
  refundOfId: string | null;
  note: string | null;
  createdAt: Date;
  createdById: string | null;
  refundedKurus: bigint;
  allocatedKurus: bigint;
}

export interface PaymentInsert {
  tenantId: string;
  customerId: string;
  subscriptionId: string | null;
  kind: 'PAYMENT' | 'REFUND';
  method: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
  amountKurus: bigint;
  receivedAt: Date;
  receiptNo: string | null;
  reference: string | null;
  externalId: string | null;
  refundOfId: string | null;
  note: string | null;
  createdById: string | null;
}

export interface LedgerRow {
  id: string;
  kind: string;
  amountKurus: bigint;
  description: string;
  bookedAt: Date;
  invoiceId: string | null;
  paymentId: string | null;
  invoiceNumber: string | null;
}

export interface PaymentListFilter {
  tenantIds: string[];
  customerId?: string;
  subscriptionId?: string;
  method?: string;
  kind?: string;
  from?: Date;
  to?: Date;
  search?: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

const customerName = sql<string>`coalesce(c.organization_name, trim(concat_ws(' ', c.name, c.surname)))`;

const paymentColumns = sql`p.id, p.tenant_id AS "tenantId", p.customer_id AS "customerId", ${customerName} AS "customerName",
  p.subscription_id AS "subscriptionId", p.kind::text AS kind, p.method::text AS method, p.amount_kurus AS "amountKurus",
  p.currency, p.received_at AS "receivedAt", p.receipt_no AS "receiptNo", p.reference, p.external_id AS "externalId",
  p.refund_of_id AS "refundOfId", p.note, p.created_at AS "createdAt", p.created_by_id AS "createdById",
  coalesce((SELECT sum(r.amount_kurus) FROM payment r WHERE r.customer_id = p.customer_id AND r.refund_of_id = p.id), 0)::bigint AS "refundedKurus",
  coalesce((SELECT sum(a.amount_kurus) FROM payment_allocation a WHERE a.payment_id = p.id), 0)::bigint AS "allocatedKurus"`;

/**
 * Payments, allocations, the customer ledger and the open items (issue 18). Every statement runs
 * through the caller's transaction when there is one (the service's `UnitOfWork`), else on the pool;
 * both carry the request's tenant scope into row-level security.
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly database: DatabaseService) {}

  private run<R>(tx: Transaction | undefined, query: RawBuilder<R>): Promise<R[]> {
    const c = query.compile(this.database.db);
    return clientOf(this.database, tx).$queryRawUnsafe<R[]>(c.sql, ...c.parameters);
  }

  /** Serialises the open-item work of one customer until the transaction ends. */
  async lockCustomer(tx: Transaction, customerId: string): Promise<void> {
    await this.run(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`water.payments:${customerId}`}, 0))::text AS locked`);
  }

  async customer(customerId: string, tx?: Transaction): Promise<CustomerRef | null> {
    const [row] = await this.run<CustomerRef>(
      tx,
      sql`SELECT c.id, c.tenant_id AS "tenantId", ${customerName} AS name, t.time_zone AS "timeZone"
            FROM customer c JOIN tenant t ON t.id = c.tenant_id WHERE c.id = ${customerId}::uuid`,
    );
    return row ?? null;
  }

  async subscription(id: string, tx?: Transaction): Promise<SubscriptionRef | null> {
    const [row] = await this.run<SubscriptionRef>(
      tx,
      sql`SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", subscription_no AS "subscriptionNo"
            FROM subscription WHERE id = ${id}::uuid`,
    );
    return row ?? null;
  }

  async invoice(id: string, tx?: Transaction): Promise<InvoiceRef | null> {
    const [row] = await this.run<InvoiceRef>(
      tx,
      sql`SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", subscription_id AS "subscriptionId",
                 kind::text AS kind, status::text AS status, number
            FROM invoice WHERE id = ${id}::uuid`,
    );
    return row ?? null;
  }

  /** Invoices (not credit notes) of a tenant whose number is one of `numbers`. */
  async invoicesByNumber(tenantId: string, numbers: string[], tx?: Transaction): Promise<InvoiceRef[]> {
    if (!numbers.length) return [];
    return this.run<InvoiceRef>(
      tx,
      sql`SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", subscription_id AS "subscriptionId",
                 kind::text AS kind, status::text AS status, number
            FROM invoice WHERE tenant_id = ${tenantId}::uuid AND kind = 'INVOICE' AND number = ANY(${numbers}::text[])
           ORDER BY number`,
    );
  }

  async subscriptionsByNo(tenantId: string, numbers: string[], tx?: Transaction): Promise<SubscriptionRef[]> {
    if (!numbers.length) return [];
    return this.run<SubscriptionRef>(
      tx,
      sql`SELECT id, tenant_id AS "tenantId", customer_id AS "customerId", subscription_no AS "subscriptionNo"
            FROM subscription WHERE tenant_id = ${tenantId}::uuid AND subscription_no = ANY(${numbers}::text[])
           ORDER BY subscription_no`,
    );
  }

  // ─── Open items ───────────────────────────────────────────────────────────────────

  /** Reverses (negative rows) whatever is still allocated to the customer's cancelled invoices. */
  reverseCancelled(tx: Transaction, customerId: string): Promise<AllocationRow[]> {
    return this.run<AllocationRow>(
      tx,
      sql`INSERT INTO payment_allocation (tenant_id, payment_id, invoice_id, amount_kurus)
          SELECT a.tenant_id, a.payment_id, a.invoice_id, -sum(a.amount_kurus)
            FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
           WHERE i.customer_id = ${customerId}::uuid AND i.status = 'CANCELLED'
           GROUP BY a.tenant_id, a.payment_id, a.invoice_id
          HAVING sum(a.amount_kurus) <> 0
          RETURNING payment_id AS "paymentId", invoice_id AS "invoiceId", amount_kurus AS "amountKurus"`,
    );
  }

  /** The customer's issued invoices with something outstanding, oldest due first (then by number). */
  openInvoices(customerId: string, tx?: Transaction): Promise<OpenInvoiceRow[]> {
    return this.run<OpenInvoiceRow>(
      tx,
      sql`SELECT * FROM (
            SELECT i.id, i.tenant_id AS "tenantId", i.number, i.subscription_id AS "subscriptionId",
                   i.issue_date AS "issueDate", i.due_date AS "dueDate", i.gross_kurus AS "grossKurus",
                   (i.gross_kurus - coalesce((SELECT sum(a.amount_kurus) FROM payment_allocation a WHERE a.invoice_id = i.id), 0))::bigint
                     AS "outstandingKurus", i.number_year, i.number_seq
              FROM invoice i
             WHERE i.customer_id = ${customerId}::uuid AND i.kind = 'INVOICE' AND i.status = 'ISSUED') o
           WHERE "outstandingKurus" > 0
           ORDER BY "dueDate", number_year, number_seq`,
    );
  }

  /** The customer's payments with money not yet allocated nor refunded, oldest received first. */
  credits(customerId: string, tx?: Transaction): Promise<CreditRow[]> {
    return this.run<CreditRow>(
      tx,
      sql`SELECT * FROM (
            SELECT p.id, p.tenant_id AS "tenantId", p.received_at, p.created_at,
                   (p.amount_kurus
                    - coalesce((SELECT sum(r.amount_kurus) FROM payment r WHERE r.customer_id = p.customer_id AND r.refund_of_id = p.id), 0)
                    - coalesce((SELECT sum(a.amount_kurus) FROM payment_allocation a WHERE a.payment_id = p.id), 0))::bigint AS "remainingKurus"
              FROM payment p
             WHERE p.customer_id = ${customerId}::uuid AND p.kind = 'PAYMENT') c
           WHERE "remainingKurus" > 0
           ORDER BY received_at, created_at, id`,
    );
  }

  /** What is allocated of one payment per invoice (net of reversals), latest-due invoice first. */
  allocationsOfPayment(paymentId: string, tx?: Transaction): Promise<(AllocationRow & { invoiceNumber: string | null })[]> {
    return this.run(
      tx,
      sql<AllocationRow & { invoiceNumber: string | null }>`
        SELECT a.payment_id AS "paymentId", a.invoice_id AS "invoiceId", i.number AS "invoiceNumber", sum(a.amount_kurus)::bigint AS "amountKurus"
          FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
         WHERE a.payment_id = ${paymentId}::uuid
         GROUP BY a.payment_id, a.invoice_id, i.number, i.due_date, i.number_year, i.number_seq
        HAVING sum(a.amount_kurus) <> 0
         ORDER BY i.due_date DESC, i.number_year DESC, i.number_seq DESC`,
    );
  }

  async insertAllocations(tx: Transaction, rows: (AllocationRow & { tenantId: string })[]): Promise<void> {
    if (!rows.length) return;
    await this.run(
      tx,
      sql`INSERT INTO payment_allocation (tenant_id, payment_id, invoice_id, amount_kurus)
          SELECT * FROM unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.paymentId)}::uuid[],
                               ${rows.map((r) => r.invoiceId)}::uuid[], ${rows.map((r) => r.amountKurus.toString())}::bigint[])
          RETURNING id`,
    );
  }

  // ─── Payments ─────────────────────────────────────────────────────────────────────

  async insertPayment(tx: Transaction, p: PaymentInsert): Promise<string> {
    const [row] = await this.run<{ id: string }>(
      tx,
      sql`INSERT INTO payment (tenant_id, customer_id, subscription_id, kind, method, amount_kurus, received_at, receipt_no,
                               reference, external_id, refund_of_id, note, created_by_id)
          VALUES (${p.tenantId}::uuid, ${p.customerId}::uuid, ${p.subscriptionId}::uuid, ${p.kind}::payment_kind,
                  ${p.method}::payment_method, ${p.amountKurus.toString()}::bigint, ${p.receivedAt}::timestamptz, ${p.receiptNo},
                  ${p.reference}, ${p.externalId}, ${p.refundOfId}::uuid, ${p.note}, ${p.createdById}::uuid)
          RETURNING id`,
    );
    return row.id;
  }

  async insertLedgerEntry(
    tx: Transaction,
    e: {
      tenantId: string;
      customerId: string;
      subscriptionId: string | null;
      kind: 'PAYMENT' | 'REFUND';
      amountKurus: bigint;
      paymentId: string;
      description: string;
      bookedAt: Date;
      createdById: string | null;
    },
  ): Promise<void> {
    await this.run(
      tx,
      sql`INSERT INTO ledger_entry (tenant_id, customer_id, subscription_id, kind, amount_kurus, payment_id, description, booked_at, created_by_id)
          VALUES (${e.tenantId}::uuid, ${e.customerId}::uuid, ${e.subscriptionId}::uuid, ${e.kind}::ledger_entry_kind,
                  ${e.amountKurus.toString()}::bigint, ${e.paymentId}::uuid, ${e.description}, ${e.bookedAt}::timestamptz, ${e.createdById}::uuid)
          RETURNING id`,
    );
  }

  async payment(id: string, tx?: Transaction): Promise<PaymentRow | null> {
    const [row] = await this.run<PaymentRow>(
      tx,
      sql`SELECT ${paymentColumns} FROM payment p JOIN customer c ON c.id = p.customer_id WHERE p.id = ${id}::uuid`,
    );
    return row ?? null;
  }

  async paymentByExternalId(tenantId: string, externalId: string, tx?: Transaction): Promise<PaymentRow | null> {
    const [row] = await this.run<PaymentRow>(
      tx,
      sql`SELECT ${paymentColumns} FROM payment p JOIN customer c ON c.id = p.customer_id
           WHERE p.tenant_id = ${tenantId}::uuid AND p.external_id = ${externalId}`,
    );
    return row ?? null;
  }

  /** Which of `externalIds` are booked already in the tenant, with their payment. */
  async paymentIdsByExternalId(tenantId: string, externalIds: string[]): Promise<Map<string, string>> {
    if (!externalIds.length) return new Map();
    const rows = await this.run<{ id: string; externalId: string }>(
      undefined,
      sql`SELECT id, external_id AS "externalId" FROM payment WHERE tenant_id = ${tenantId}::uuid AND external_id = ANY(${externalIds}::text[])`,
    );
    return new Map(rows.map((r) => [r.externalId, r.id]));
  }

  async refundsOf(paymentId: string, tx?: Transaction): Promise<PaymentRow[]> {
    return this.run<PaymentRow>(
      tx,
      sql`SELECT ${paymentColumns} FROM payment p JOIN customer c ON c.id = p.customer_id
           WHERE p.refund_of_id = ${paymentId}::uuid ORDER BY p.created_at, p.id`,
    );
  }

  async listPayments(f: PaymentListFilter): Promise<{ rows: PaymentRow[]; total: number }> {
    if (!f.tenantIds.length) return { rows: [], total: 0 };
    const where = sql`p.tenant_id = ANY(${f.tenantIds}::uuid[])
      ${f.customerId ? sql`AND p.customer_id = ${f.customerId}::uuid` : sql``}
      ${f.subscriptionId ? sql`AND p.subscription_id = ${f.subscriptionId}::uuid` : sql``}
      ${f.method ? sql`AND p.method = ${f.method}::payment_method` : sql``}
      ${f.kind ? sql`AND p.kind = ${f.kind}::payment_kind` : sql``}
      ${f.from ? sql`AND p.received_at >= ${f.from}::timestamptz` : sql``}
      ${f.to ? sql`AND p.received_at < ${f.to}::timestamptz` : sql``}
      ${
        f.search
          ? sql`AND (${matchesSearch('customer', 'p.customer_id', f.search)}
                 OR water_fold(concat_ws(' ', p.receipt_no, p.reference)) LIKE '%' || water_fold(${escapeLike(f.search)}) || '%')`
          : sql``
      }`;
    const direction = f.order === 'desc' ? sql`DESC` : sql`ASC`;
    const rows = await this.run<PaymentRow>(
      undefined,
      sql`SELECT ${paymentColumns} FROM payment p JOIN customer c ON c.id = p.customer_id
           WHERE ${where} ORDER BY p.received_at ${direction}, p.created_at ${direction}, p.id ${direction} OFFSET ${f.offset} LIMIT ${f.limit}`,
    );
    const [count] = await this.run<{ n: number }>(undefined, sql`SELECT count(*)::int AS n FROM payment p WHERE ${where}`);
    return { rows, total: count.n };
  }

  /** Allocations of payments, per invoice net of reversals. */
  allocationsOf(paymentIds: string[]): Promise<(AllocationRow & { invoiceNumber: string | null })[]> {
    if (!paymentIds.length) return Promise.resolve([]);
    return this.run(
      undefined,
      sql<AllocationRow & { invoiceNumber: string | null }>`
        SELECT a.payment_id AS "paymentId", a.invoice_id AS "invoiceId", i.number AS "invoiceNumber", sum(a.amount_kurus)::bigint AS "amountKurus"
          FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
         WHERE a.payment_id = ANY(${paymentIds}::uuid[])
         GROUP BY a.payment_id, a.invoice_id, i.number
        HAVING sum(a.amount_kurus) <> 0
         ORDER BY a.payment_id, i.number`,
    );
  }

  // ─── Ledger ───────────────────────────────────────────────────────────────────────

  /** The sum of the customer's entries booked before `before` (all of them when null). */
  async balanceBefore(customerId: string, before: Date | null): Promise<bigint> {
    const [row] = await this.run<{ sum: bigint }>(
      undefined,
      sql`SELECT coalesce(sum(amount_kurus), 0)::bigint AS sum FROM ledger_entry
           WHERE customer_id = ${customerId}::uuid ${before ? sql`AND booked_at < ${before}::timestamptz` : sql``}`,
    );
    return row.sum;
  }

  entries(customerId: string, from: Date | null, to: Date | null): Promise<LedgerRow[]> {
    return this.run<LedgerRow>(
      undefined,
      sql`SELECT e.id, e.kind::text AS kind, e.amount_kurus AS "amountKurus", e.description, e.booked_at AS "bookedAt",
                 e.invoice_id AS "invoiceId", e.payment_id AS "paymentId", i.number AS "invoiceNumber"
            FROM ledger_entry e LEFT JOIN invoice i ON i.id = e.invoice_id
           WHERE e.customer_id = ${customerId}::uuid
             ${from ? sql`AND e.booked_at >= ${from}::timestamptz` : sql``}
             ${to ? sql`AND e.booked_at < ${to}::timestamptz` : sql``}
           ORDER BY e.booked_at, e.id`,
    );
  }

  /**
   * The customer's balance, unallocated credit, overdue outstanding amount (due before `today`), all that is
   * open, and the next due date of an open invoice. `tenantId` bounds every row to the tenant too (the portal's
   * customer, whose tenant comes from the session).
   */
  async balance(
    customerId: string,
    today: string,
    tenantId?: string,
  ): Promise<{ balance: bigint; credit: bigint; overdue: bigint; open: bigint; next_due: string | null }> {
    const ofTenant = (column: string) => (tenantId ? sql`AND ${sql.ref(column)} = ${tenantId}::uuid` : sql``);
    const [row] = await this.run<{ balance: bigint; credit: bigint; overdue: bigint; open: bigint; next_due: string | null }>(
      undefined,
      sql`WITH o AS (
            SELECT i.due_date, (i.gross_kurus - coalesce((SELECT sum(a.amount_kurus) FROM payment_allocation a WHERE a.invoice_id = i.id), 0)) AS outstanding
              FROM invoice i WHERE i.customer_id = ${customerId}::uuid ${ofTenant('i.tenant_id')} AND i.kind = 'INVOICE' AND i.status = 'ISSUED')
          SELECT (SELECT coalesce(sum(amount_kurus), 0) FROM ledger_entry l WHERE l.customer_id = ${customerId}::uuid ${ofTenant('l.tenant_id')})::bigint AS balance,
                 ((SELECT coalesce(sum(CASE WHEN kind = 'PAYMENT' THEN amount_kurus ELSE -amount_kurus END), 0) FROM payment p WHERE p.customer_id = ${customerId}::uuid ${ofTenant('p.tenant_id')})
                  - (SELECT coalesce(sum(a.amount_kurus), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id WHERE p.customer_id = ${customerId}::uuid ${ofTenant('p.tenant_id')}))::bigint AS credit,
                 (SELECT coalesce(sum(outstanding), 0) FROM o WHERE outstanding > 0 AND due_date < ${today}::date)::bigint AS overdue,
                 (SELECT coalesce(sum(outstanding), 0) FROM o WHERE outstanding > 0)::bigint AS open,
                 (SELECT min(due_date)::text FROM o WHERE outstanding > 0 AND due_date >= ${today}::date) AS next_due`,
    );
    return row;
  }
}
