import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { exportTable, type ExportColumn, type ExportFile, type ExportOptions } from '../../core/http/export';
import { localToday } from '../billing/tariff-rules';
import { nextDay, startOfLocalDay, withRunningBalance } from './ledger';
import type { StatementEntry, StatementQuery, StatementView } from './payments.dto';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

type ExportRow = Omit<StatementEntry, 'id' | 'invoiceId' | 'paymentId'>;

/**
 * A customer's account (issue 18): the ledger's entries in a period with the opening balance (all
 * entries before it), debit/credit columns and the running balance, the closing balance, and the open
 * invoices as they stand now. Days are the tenant's (its time zone).
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly payments: PaymentsService,
    private readonly repository: PaymentsRepository,
  ) {}

  async statement(access: AccessContext, customerId: string, q: StatementQuery): Promise<StatementView> {
    const customer = await this.payments.visibleCustomer(access, customerId, 'read');
    const from = q.from ? startOfLocalDay(q.from, customer.timeZone) : null;
    const to = q.to ? startOfLocalDay(nextDay(q.to), customer.timeZone) : null;
    const [opening, rows, open] = await Promise.all([
      from ? this.repository.balanceBefore(customer.id, from) : Promise.resolve(0n),
      this.repository.entries(customer.id, from, to),
      this.repository.openInvoices(customer.id),
    ]);
    const { entries, closing, debit, credit } = withRunningBalance(opening, rows);
    const today = localToday(customer.timeZone);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    return {
      customerId: customer.id,
      customerName: customer.name,
      tenantId: customer.tenantId,
      currency: 'TRY',
      from: q.from ?? null,
      to: q.to ?? null,
      openingBalanceKurus: Number(opening),
      closingBalanceKurus: Number(closing),
      totalDebitKurus: Number(debit),
      totalCreditKurus: Number(credit),
      entries,
      openInvoices: open.map((i) => ({
        invoiceId: i.id,
        number: i.number,
        issueDate: day(i.issueDate),
        dueDate: day(i.dueDate),
        grossKurus: Number(i.grossKurus),
        outstandingKurus: Number(i.outstandingKurus),
        overdue: day(i.dueDate) < today,
      })),
    };
  }

  async balance(access: AccessContext, customerId: string) {
    const customer = await this.payments.visibleCustomer(access, customerId, 'read');
    const b = await this.repository.balance(customer.id, localToday(customer.timeZone));
    return {
      customerId: customer.id,
      balanceKurus: Number(b.balance),
      creditKurus: Number(b.credit),
      openKurus: Number(b.open),
      overdueKurus: Number(b.overdue),
    };
  }

  /** The statement as CSV or XLSX: an opening row, the entries, a closing row (amounts in kuruş). */
  async exportStatement(access: AccessContext, customerId: string, q: StatementQuery & ExportOptions): Promise<ExportFile> {
    const s = await this.statement(access, customerId, q);
    const columns: ExportColumn<ExportRow>[] = [
      { header: 'booked_at', value: (r) => r.bookedAt },
      { header: 'kind', value: (r) => r.kind },
      { header: 'description', value: (r) => r.description },
      { header: 'invoice_number', value: (r) => r.invoiceNumber },
      { header: 'debit_kurus', value: (r) => r.debitKurus },
      { header: 'credit_kurus', value: (r) => r.creditKurus },
      { header: 'balance_kurus', value: (r) => r.balanceKurus },
    ];
    const edge = (kind: string, description: string, at: string | null, balance: number): ExportRow => ({
      bookedAt: at ?? '',
      kind,
      description,
      invoiceNumber: null,
      debitKurus: 0,
      creditKurus: 0,
      balanceKurus: balance,
    });
    const tr = q.locale === 'tr';
    const rows: ExportRow[] = [
      edge('OPENING', tr ? 'Devreden bakiye' : 'Opening balance', s.from, s.openingBalanceKurus),
      ...s.entries,
      edge('CLOSING', tr ? 'Kapanış bakiyesi' : 'Closing balance', s.to, s.closingBalanceKurus),
    ];
    return exportTable(
      columns,
      (async function* () {
        yield rows;
      })(),
      q,
      tr ? 'Hesap ekstresi' : 'Account statement',
    );
  }
}
