import { describe, expect, it } from 'vitest';
import { computeRValue, isValidTaxId, isValidTcIdNo, luhnValid } from './validation';
import { formatDateTime, parseDateTime } from './format';
import { emptyMatrix, fullMatrix, matrixCovers } from './permissions';

describe('TC ID No', () => {
  it('accepts numbers whose two check digits are right', () => {
    expect(isValidTcIdNo('10000000146')).toBe(true);
    expect(isValidTcIdNo('12345678950')).toBe(true);
  });
  it('rejects the seeded numbers, a leading zero and wrong lengths', () => {
    expect(isValidTcIdNo('12345678901')).toBe(false);
    expect(isValidTcIdNo('02345678950')).toBe(false);
    expect(isValidTcIdNo('1234567895')).toBe(false);
    expect(isValidTcIdNo('1234567895a')).toBe(false);
  });
});

describe('tax id', () => {
  it('checks the 10-digit VKN check digit', () => {
    expect(isValidTaxId('1234567890')).toBe(true);
    expect(isValidTaxId('1234567891')).toBe(false);
    expect(isValidTaxId('0010000000')).toBe(false);
    expect(isValidTaxId('1111111114')).toBe(true);
  });
});

describe('luhn', () => {
  it('validates IMEIs', () => {
    expect(luhnValid('490154203237518')).toBe(true);
    expect(luhnValid('490154203237519')).toBe(false);
  });
});

describe('R value', () => {
  it('is Q3/Q1 to two decimals', () => {
    expect(computeRValue(0.016, 2.5)).toBe(156.25);
    expect(computeRValue(0.025, 2.5)).toBe(100);
  });
});

describe('date format', () => {
  it('shows Istanbul time as DD.MM.YYYY HH:mm:ss', () => {
    expect(formatDateTime(new Date('2025-12-08T04:18:55Z'))).toBe('08.12.2025 07:18:55');
  });
  it('parses the console format back to UTC and rejects impossible dates', () => {
    expect(parseDateTime('08.12.2025 07:18:55')?.toISOString()).toBe('2025-12-08T04:18:55.000Z');
    expect(parseDateTime('31.02.2025 07:18:55')).toBeNull();
    expect(parseDateTime('2025-12-08 07:18')).toBeNull();
  });
});

describe('permission matrix', () => {
  it('covers only what is held', () => {
    const wanted = emptyMatrix();
    wanted.METERS.create = true;
    expect(matrixCovers(fullMatrix(), wanted)).toBe(true);
    expect(matrixCovers(emptyMatrix(), wanted)).toBe(false);
  });
});
