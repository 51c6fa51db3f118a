import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decimalKurus, parseStatementFile, referenceKeys, StatementFileError, trDate } from './bank-statement-file';

const fixture = (name: string) => readFileSync(join(__dirname, '../../../test/fixtures/bank', name));
const problems = (bytes: Buffer) => {
  try {
    parseStatementFile(bytes);
  } catch (err) {
    if (err instanceof StatementFileError) return err.details;
    throw err;
  }
  throw new Error('parsed');
};

describe('bank statement files', () => {
  it('reads a CAMT.053 statement: booked entries only, credits and debits, amounts in kuruş, references', () => {
    const s = parseStatementFile(fixture('camt053-ziraat.xml'));
    expect(s).toMatchObject({
      format: 'CAMT053',
      statementRef: 'ZRT-STMT-20261120-TR330006100519786457841326',
      account: 'TR330006100519786457841326',
      fromDate: '2026-11-20',
      toDate: '2026-11-20',
    });
    expect(s.lines.map((l) => [l.lineNo, l.amountKurus, l.isCredit])).toEqual([
      [1, 12_000n, true],
      [2, 25_050n, true],
      [3, 30_000n, true],
      [4, 7_525n, true],
      [5, 120_000n, false],
    ]);
    expect(s.lines[0]).toMatchObject({
      entryRef: 'ZRT-STMT-20261120-TR330006100519786457841326:20261120-000101',
      bookingDate: '2026-11-20',
      currency: 'TRY',
      reference: 'SU FATURASI __INVOICE_ONE__ ÖDEMESİ',
      payerName: 'AYŞE YILMAZ',
    });
  });

  it('reads a Turkish bank CSV in Windows-1254 with ; and decimal commas', () => {
    const s = parseStatementFile(fixture('csv-isbank.csv'));
    expect(s).toMatchObject({ format: 'CSV', fromDate: '2026-11-20', toDate: '2026-11-21' });
    expect(s.lines.map((l) => [l.entryRef, l.bookingDate, l.amountKurus, l.isCredit])).toEqual([
      ['csv:4471001', '2026-11-20', 123_450n, true],
      ['csv:4471002', '2026-11-20', 9_990n, true],
      ['csv:4471003', '2026-11-21', 1_500n, false],
      ['csv:4471004', '2026-11-21', 50_000n, true],
    ]);
    expect(s.lines[0].reference).toBe('HAVALE-GÖNDEREN: ÇİĞDEM ŞAHİN FATURA __INVOICE_TWO__');
  });

  it('keys CSV rows without a receipt number by their content and occurrence, the same on every read', () => {
    const csv = 'Tarih;Açıklama;Tutar\n01.12.2026;ABONE 77;10,00\n01.12.2026;ABONE 77;10,00\n';
    const first = parseStatementFile(Buffer.from(csv)).lines.map((l) => l.entryRef);
    expect(new Set(first).size).toBe(2);
    expect(parseStatementFile(Buffer.from(csv)).lines.map((l) => l.entryRef)).toEqual(first);
  });

  it('reads separate Borç/Alacak columns, a currency column and a payer column', () => {
    const csv =
      'İşlem Tarihi;Açıklama;Borç;Alacak;Para Birimi;Gönderen;Referans\n02.12.2026;ABONE 77;;1.500,25;TL;Ali Veli;R1\n02.12.2026;MASRAF;12,00;;TRY;;R2\n';
    expect(parseStatementFile(Buffer.from(csv)).lines.map((l) => [l.entryRef, l.amountKurus, l.isCredit, l.payerName])).toEqual([
      ['csv:R1', 150_025n, true, 'Ali Veli'],
      ['csv:R2', 1_200n, false, null],
    ]);
  });

  it('refuses malformed XML, another currency, missing columns and bad cells with every problem named', () => {
    expect(problems(Buffer.from('<Document><BkToCstmrStmt><Stmt></BkToCstmrStmt>'))[0].path[0]).toBe('file');
    expect(problems(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><Document/>'))[0].message).toBe('DOCTYPE');
    const usd = fixture('camt053-ziraat.xml').toString('utf8').replace('<Amt Ccy="TRY">250.50', '<Amt Ccy="USD">250.50');
    expect(problems(Buffer.from(usd))).toEqual([{ path: ['lines', 2, 'Ccy'], message: 'currency USD: only TRY is taken' }]);
    expect(problems(Buffer.from('Tarih;Tutar\n01.12.2026;5,00\n'))).toEqual([
      { path: ['columns', 'Açıklama'], message: 'missing: a description column (Açıklama)' },
    ]);
    const bad = iconv.encode('Tarih;Açıklama;Tutar\n31.02.2026;X;5,00\n01.03.2026;Y;beş\n', 'windows-1254');
    expect(problems(bad).map((p) => p.path)).toEqual([
      ['lines', 2, 'Tarih'],
      ['lines', 3, 'Tutar'],
    ]);
  });

  it('parses amounts, dates and references', () => {
    expect(decimalKurus('1.234.567,89', ',')).toBe(123_456_789n);
    expect(decimalKurus('-15', ',')).toBe(-1_500n);
    expect(decimalKurus('12.5', '.')).toBe(1_250n);
    expect(decimalKurus('12,345', ',')).toBeNull();
    expect(trDate('5.1.2026')).toBe('2026-01-05');
    expect(trDate('29.02.2026')).toBeNull();
    expect(referenceKeys('FATURA 2026-000042, CN-2026-000007 ABONE NO:ASK-0042.')).toEqual({
      invoiceNumbers: ['2026-000042'],
      tokens: ['2026-000042', 'CN-2026-000007', 'ASK-0042'],
    });
  });
});
