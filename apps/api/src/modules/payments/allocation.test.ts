import { describe, expect, it } from 'vitest';
import { allocateFifo, reversalsFor } from './allocation';

const credit = (paymentId: string, remainingKurus: bigint) => ({ paymentId, tenantId: 't', remainingKurus });
const item = (invoiceId: string, outstandingKurus: bigint) => ({ invoiceId, outstandingKurus });

describe('allocateFifo', () => {
  it('pays the oldest item first with the oldest money, splitting both where they do not fit', () => {
    // 100 + 50 of money against items of 80, 40, 60: 80 ← p1; 20 ← p1 and 20 ← p2 on the second; 30 ← p2 on the third.
    expect(allocateFifo([credit('p1', 100n), credit('p2', 50n)], [item('i1', 80n), item('i2', 40n), item('i3', 60n)])).toEqual([
      { tenantId: 't', paymentId: 'p1', invoiceId: 'i1', amountKurus: 80n },
      { tenantId: 't', paymentId: 'p1', invoiceId: 'i2', amountKurus: 20n },
      { tenantId: 't', paymentId: 'p2', invoiceId: 'i2', amountKurus: 20n },
      { tenantId: 't', paymentId: 'p2', invoiceId: 'i3', amountKurus: 30n },
    ]);
  });

  it('leaves an overpayment as credit and allocates nothing without items or money', () => {
    expect(allocateFifo([credit('p1', 500n)], [item('i1', 120n)])).toEqual([
      { tenantId: 't', paymentId: 'p1', invoiceId: 'i1', amountKurus: 120n },
    ]);
    expect(allocateFifo([], [item('i1', 120n)])).toEqual([]);
    expect(allocateFifo([credit('p1', 500n)], [])).toEqual([]);
  });

  it('is idempotent once settled: nothing left on either side gives nothing', () => {
    expect(allocateFifo([credit('p1', 0n)], [item('i1', 0n)])).toEqual([]);
  });
});

describe('reversalsFor', () => {
  it('takes back from the latest-due invoice first, no more than needed', () => {
    expect(
      reversalsFor(
        [
          { invoiceId: 'late', amountKurus: 30n },
          { invoiceId: 'early', amountKurus: 70n },
        ],
        50n,
      ),
    ).toEqual([
      { invoiceId: 'late', amountKurus: -30n },
      { invoiceId: 'early', amountKurus: -20n },
    ]);
    expect(reversalsFor([{ invoiceId: 'x', amountKurus: 30n }], 0n)).toEqual([]);
  });
});
