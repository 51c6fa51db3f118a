import { describe, expect, it } from 'vitest';
import {
  billingStatus,
  daysOverdue,
  divideHalfUp,
  interestKurus,
  interestPeriod,
  isOverdue,
  lastClosedMonthEnd,
  orderAfterSettlement,
  outstandingOn,
  remindersDue,
  settledOn,
} from './dunning-rules';

describe('overdue and reminders', () => {
  it('is overdue from the day after the due date while something is outstanding', () => {
    expect(isOverdue('2026-01-15', '2026-01-15', 100n)).toBe(false);
    expect(isOverdue('2026-01-15', '2026-01-16', 100n)).toBe(true);
    expect(isOverdue('2026-01-15', '2026-01-16', 0n)).toBe(false);
    expect(daysOverdue('2026-01-15', '2026-02-14')).toBe(30);
    expect(daysOverdue('2026-01-15', '2026-01-10')).toBe(0);
  });

  it('falls due on each configured day after the due date, sorted, once per day', () => {
    expect(remindersDue('2026-01-15', '2026-01-17', [3, 10])).toEqual([]);
    expect(remindersDue('2026-01-15', '2026-01-18', [3, 10])).toEqual([{ ordinal: 1, dueOn: '2026-01-18' }]);
    // A run that missed days catches up, each reminder with its own day.
    expect(remindersDue('2026-01-25', '2026-02-10', [10, 3, 3])).toEqual([
      { ordinal: 1, dueOn: '2026-01-28' },
      { ordinal: 2, dueOn: '2026-02-04' },
    ]);
  });
});

describe('interest periods', () => {
  it('closes the last month-end on the first run after it', () => {
    expect(lastClosedMonthEnd('2026-03-01')).toBe('2026-02-28');
    expect(lastClosedMonthEnd('2024-03-15')).toBe('2024-02-29');
    // Due 15 Jan: nothing before February; the run of 1 Feb books 16–31 Jan, later runs of February nothing more.
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: null, today: '2026-01-31', settledOn: null })).toBeNull();
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: null, today: '2026-02-01', settledOn: null })).toEqual({
      from: '2026-01-16',
      through: '2026-01-31',
    });
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: '2026-01-31', today: '2026-02-20', settledOn: null })).toBeNull();
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: '2026-01-31', today: '2026-03-01', settledOn: null })).toEqual({
      from: '2026-02-01',
      through: '2026-02-28',
    });
  });

  it('books the last days of a settled invoice up to the day before it was settled', () => {
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: '2026-01-31', today: '2026-02-12', settledOn: '2026-02-10' })).toEqual({
      from: '2026-02-01',
      through: '2026-02-09',
    });
    // Settled before anything accrued (paid on the due date or the day after): nothing.
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: null, today: '2026-01-20', settledOn: '2026-01-16' })).toBeNull();
    // Settled on the last day booked + 1: nothing more.
    expect(interestPeriod({ dueDate: '2026-01-15', bookedThrough: '2026-01-31', today: '2026-02-05', settledOn: '2026-02-01' })).toBeNull();
  });
});

describe('interest amounts (worked by hand)', () => {
  it('1 200,00 TL unpaid 16 days at 3 %/month: 120 000 × 0.03 × 16/30 = 1 920 kuruş', () => {
    expect(interestKurus({ grossKurus: 120_000n, allocations: [], from: '2026-01-16', through: '2026-01-31', rateBp: 300 })).toBe(1920n);
  });

  it('rounds half up once per booking: 123,45 TL × 2.5 % × 16/30 = 164.6 → 165 kuruş', () => {
    expect(interestKurus({ grossKurus: 12_345n, allocations: [], from: '2026-01-16', through: '2026-01-31', rateBp: 250 })).toBe(165n);
  });

  it('a half kuruş goes up, less stays down: 10 TL × 1.5 % × 1/30 = 0.5 → 1; 9,99 TL → 0.4995 → 0', () => {
    expect(interestKurus({ grossKurus: 1_000n, allocations: [], from: '2026-01-16', through: '2026-01-16', rateBp: 150 })).toBe(1n);
    expect(interestKurus({ grossKurus: 999n, allocations: [], from: '2026-01-16', through: '2026-01-16', rateBp: 150 })).toBe(0n);
    expect(divideHalfUp(5n, 10n)).toBe(1n);
    expect(divideHalfUp(4n, 10n)).toBe(0n);
  });

  it('follows partial payments day by day: 1 000 TL, 400 TL paid on the 25th, 3 %/month over 16–31 Jan', () => {
    // 16–24 Jan: 9 days × 100 000 = 900 000; 25–31 Jan: 7 days × 60 000 = 420 000 (a day counts its end-of-day rest).
    // 1 320 000 kuruş-days × 300 / 300 000 = 1 320 kuruş.
    const allocations = [{ day: '2026-01-25', amountKurus: 40_000n }];
    expect(interestKurus({ grossKurus: 100_000n, allocations, from: '2026-01-16', through: '2026-01-31', rateBp: 300 })).toBe(1320n);
    expect(outstandingOn(100_000n, allocations, '2026-01-24')).toBe(100_000n);
    expect(outstandingOn(100_000n, allocations, '2026-01-25')).toBe(60_000n);
  });

  it('owes nothing without a rate or on a settled amount; a reversal brings the debt back', () => {
    expect(interestKurus({ grossKurus: 100_000n, allocations: [], from: '2026-01-16', through: '2026-01-31', rateBp: 0 })).toBe(0n);
    const allocations = [
      { day: '2026-01-10', amountKurus: 100_000n },
      { day: '2026-01-21', amountKurus: -100_000n },
    ];
    // Paid before the due date, the payment's allocation reversed on the 21st: 11 days (21–31) × 100 000 × 300 / 300 000 = 1 100.
    expect(interestKurus({ grossKurus: 100_000n, allocations, from: '2026-01-16', through: '2026-01-31', rateBp: 300 })).toBe(1100n);
  });

  it('finds the day an invoice was settled and stayed settled', () => {
    expect(settledOn(100_000n, [], '2026-02-01')).toBeNull();
    const allocations = [
      { day: '2026-01-20', amountKurus: 40_000n },
      { day: '2026-02-03', amountKurus: 60_000n },
    ];
    expect(settledOn(100_000n, allocations, '2026-02-02')).toBeNull();
    expect(settledOn(100_000n, allocations, '2026-02-05')).toBe('2026-02-03');
    const reversed = [
      { day: '2026-01-20', amountKurus: 100_000n },
      { day: '2026-01-22', amountKurus: -100_000n },
      { day: '2026-01-30', amountKurus: 100_000n },
    ];
    expect(settledOn(100_000n, reversed, '2026-02-05')).toBe('2026-01-30');
  });
});

describe('billing status and settlement', () => {
  it('reads the live order first, then overdue', () => {
    expect(billingStatus(null, false)).toBe('OK');
    expect(billingStatus(null, true)).toBe('OVERDUE');
    expect(billingStatus('OPEN', true)).toBe('DISCONNECTION_PENDING');
    expect(billingStatus('DONE', true)).toBe('DISCONNECTED');
    expect(billingStatus('RECONNECT_OPEN', false)).toBe('RECONNECTION_PENDING');
  });

  it('cancels an order not yet executed and asks to reconnect an executed one', () => {
    expect(orderAfterSettlement('OPEN')).toBe('CANCELLED');
    expect(orderAfterSettlement('DONE')).toBe('RECONNECT_OPEN');
    expect(orderAfterSettlement('RECONNECT_OPEN')).toBeNull();
  });
});
