import { describe, expect, it } from 'vitest';
import {
  kurusInputText,
  kurusToLira,
  MONEY_NUMBER_FORMAT,
  m3InputText,
  parseLitres,
  parseMoney,
  parsePercentBp,
  percentInputText,
  scaledText,
} from '~/lib/billing-money';

describe('billing money input', () => {
  it('reads TL with a decimal comma or point into whole kuruş, digit by digit', () => {
    expect(parseMoney('12,34')).toBe(1234);
    expect(parseMoney('12.34')).toBe(1234);
    expect(parseMoney('7')).toBe(700);
    expect(parseMoney('0,5')).toBe(50);
    expect(parseMoney(',05')).toBe(5);
    expect(parseMoney(' 1 234,56 ')).toBe(123456);
    // 0.1 + 0.2 style float noise cannot happen: 19.99 TL is 1999 kuruş, not 1998.9999…
    expect(parseMoney('19,99')).toBe(1999);
    expect(parseMoney('1.15')).toBe(115);
    expect(parseMoney('4.35')).toBe(435);
  });

  it('accepts thousands grouping only with the other separator as the decimal one', () => {
    expect(parseMoney('1.234,56')).toBe(123456);
    expect(parseMoney('1,234.56')).toBe(123456);
    expect(parseMoney('1.234.567,8')).toBe(123456780);
    expect(parseMoney('12.34,5')).toBeNaN();
    // One separator is the decimal one: 1.234 TL has three decimals.
    expect(parseMoney('1.234')).toBeNaN();
  });

  it('answers null for nothing typed and NaN for anything that is not an amount', () => {
    expect(parseMoney('')).toBeNull();
    expect(parseMoney('   ')).toBeNull();
    expect(parseMoney(undefined)).toBeNull();
    for (const bad of ['abc', '12,345', '-5', '1e3', '12,3,4', '.', '1..2', '₺12', '12 TL']) expect(parseMoney(bad), bad).toBeNaN();
  });

  it('reads rates in basis points and volumes in litres with their own precision', () => {
    expect(parsePercentBp('20')).toBe(2000);
    expect(parsePercentBp('3,5')).toBe(350);
    expect(parsePercentBp('1,125')).toBeNaN();
    expect(parseLitres('12,5')).toBe(12500);
    expect(parseLitres('0,001')).toBe(1);
    expect(parseLitres('0,0001')).toBeNaN();
  });

  it('shows stored values back as input text without floats', () => {
    expect(kurusInputText(123456)).toBe('1234,56');
    expect(kurusInputText(5, '.')).toBe('0.05');
    expect(kurusInputText(0)).toBe('0,00');
    expect(kurusInputText(null)).toBe('');
    expect(scaledText(-1234, 2)).toBe('-12,34');
    expect(scaledText(9_007_199_254_740_993n, 2, '.')).toBe('90071992547409.93');
    expect(percentInputText(20)).toBe('20');
    expect(percentInputText(3.5)).toBe('3,5');
    expect(m3InputText(12.5)).toBe('12,5');
    expect(m3InputText(10)).toBe('10');
    expect(m3InputText(null)).toBe('');
    for (const text of ['0,01', '12,34', '999999,99', '4,35']) expect(kurusInputText(parseMoney(text)!)).toBe(text);
  });

  it('formats kuruş as Turkish lira with the money format, in Turkish and English', () => {
    const tr = new Intl.NumberFormat('tr-TR', MONEY_NUMBER_FORMAT);
    const en = new Intl.NumberFormat('en-GB', MONEY_NUMBER_FORMAT);
    expect(tr.format(kurusToLira(123456))).toBe('₺1.234,56');
    expect(tr.format(kurusToLira('-5'))).toBe('-₺0,05');
    expect(en.format(kurusToLira(123456))).toBe('₺1,234.56');
    expect(en.format(kurusToLira(1_000_000_000_00n))).toBe('₺1,000,000,000.00');
  });
});
