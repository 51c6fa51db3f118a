import type { LedgerRow } from './payments.repository';
import type { StatementEntry } from './payments.dto';

/** The instant a calendar day begins in a time zone (e.g. 2026-03-01 in Europe/Istanbul → 2026-02-28T21:00:00Z). */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const offsetAt = (ms: number) => {
    const p: Record<string, number> = {};
    const format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  // Twice: the offset at the true instant may differ from the guess's across a DST change.
  let instant = guess - offsetAt(guess);
  instant = guess - offsetAt(instant);
  return new Date(instant);
}

/** The day after a YYYY-MM-DD date. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Ledger rows with debit/credit columns and the running balance from `opening`. */
export function withRunningBalance(
  opening: bigint,
  rows: readonly LedgerRow[],
): { entries: StatementEntry[]; closing: bigint; debit: bigint; credit: bigint } {
  let balance = opening;
  let debit = 0n;
  let credit = 0n;
  const entries = rows.map((r) => {
    balance += r.amountKurus;
    if (r.amountKurus > 0n) debit += r.amountKurus;
    else credit -= r.amountKurus;
    return {
      id: r.id,
      bookedAt: r.bookedAt.toISOString(),
      kind: r.kind,
      description: r.description,
      invoiceId: r.invoiceId,
      invoiceNumber: r.invoiceNumber,
      paymentId: r.paymentId,
      debitKurus: r.amountKurus > 0n ? Number(r.amountKurus) : 0,
      creditKurus: r.amountKurus < 0n ? Number(-r.amountKurus) : 0,
      balanceKurus: Number(balance),
    };
  });
  return { entries, closing: balance, debit, credit };
}
