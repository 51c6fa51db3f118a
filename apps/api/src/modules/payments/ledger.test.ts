import { describe, expect, it } from 'vitest';
import { nextDay, startOfLocalDay, withRunningBalance } from './ledger';

describe('statement helpers', () => {
  it('finds the instant a local day begins', () => {
    expect(startOfLocalDay('2026-03-01', 'Europe/Istanbul').toISOString()).toBe('2026-02-28T21:00:00.000Z');
    expect(startOfLocalDay('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfLocalDay('2026-01-01', 'UTC').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });

  it('splits amounts into debit and credit and carries the balance from the opening', () => {
    const row = (amountKurus: bigint, kind: string) => ({
      id: kind,
      kind,
      amountKurus,
      description: kind,
      bookedAt: new Date('2026-01-01T00:00:00Z'),
      invoiceId: null,
      paymentId: null,
      invoiceNumber: null,
    });
    const out = withRunningBalance(500n, [row(12_000n, 'INVOICE'), row(-10_000n, 'PAYMENT'), row(-2_500n, 'CREDIT_NOTE')]);
    expect(out.entries.map((e) => [e.debitKurus, e.creditKurus, e.balanceKurus])).toEqual([
      [12_000, 0, 12_500],
      [0, 10_000, 2_500],
      [0, 2_500, 0],
    ]);
    expect(out).toMatchObject({ closing: 0n, debit: 12_000n, credit: 12_500n });
  });
});
