import { describe, expect, it } from 'vitest';
import { dayBefore, formatDay, formatDecimal, formatMoney, formatRate, formatShare } from './invoice-format';

describe('invoice number formats', () => {
  it('formats integer kuruş as Turkish lira, exactly', () => {
    expect(formatMoney(123456n, 'tr')).toBe('1.234,56 TL');
    expect(formatMoney(123456n, 'en')).toBe('TRY 1,234.56');
    expect(formatMoney(5, 'tr')).toBe('0,05 TL');
    expect(formatMoney(0, 'en')).toBe('TRY 0.00');
    expect(formatMoney(-120000n, 'tr')).toBe('-1.200,00 TL');
    expect(formatMoney('-7', 'en')).toBe('-TRY 0.07');
    // Past 2^53 kuruş a float would lose the last digits.
    expect(formatMoney(9007199254740993n, 'tr')).toBe('90.071.992.547.409,93 TL');
  });

  it('formats m³ with three decimals and grouping', () => {
    expect(formatDecimal('12.5', 'tr')).toBe('12,500');
    expect(formatDecimal('1234.567', 'en')).toBe('1,234.567');
    expect(formatDecimal('1234567.000', 'tr')).toBe('1.234.567,000');
    expect(formatDecimal('-3.0004', 'en')).toBe('-3.000');
    expect(formatDecimal('0', 'tr')).toBe('0,000');
    expect(formatDecimal('2.0005', 'en')).toBe('2.001');
  });

  it('formats VAT rates and estimated shares', () => {
    expect(formatRate(2000, 'tr')).toBe('%20');
    expect(formatRate(2000, 'en')).toBe('20%');
    expect(formatRate(150, 'tr')).toBe('%1,5');
    expect(formatRate(125, 'en')).toBe('1.25%');
    expect(formatRate(0, 'tr')).toBe('%0');
    expect(formatShare('2.000', '12.345', 'tr')).toBe('%16,2');
    expect(formatShare('1', '3', 'en')).toBe('33.3%');
    expect(formatShare('12.345', '12.345', 'en')).toBe('100%');
    expect(formatShare('0', '0', 'en')).toBeNull();
  });

  it('formats dates and periods', () => {
    expect(formatDay('2026-12-05', 'tr')).toBe('05.12.2026');
    expect(formatDay('2026-12-05', 'en')).toBe('2026-12-05');
    expect(dayBefore('2026-11-01')).toBe('2026-10-31');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
  });
});
