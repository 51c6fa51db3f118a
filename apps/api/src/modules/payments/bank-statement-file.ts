import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import type { ErrorDetail } from '../../core/http/errors';
import { detectEncoding, sniffDelimiter } from '../imports/import-file';

/** One entry of a statement, as read from the file. */
export interface StatementEntryLine {
  lineNo: number;
  /** Unique for the bank's entry across files: the statement id and the entry's reference (CAMT), or the CSV's receipt number. */
  entryRef: string;
  bookingDate: string;
  amountKurus: bigint;
  currency: string;
  isCredit: boolean;
  reference: string;
  payerName: string | null;
}

export interface ParsedStatement {
  format: 'CAMT053' | 'CSV';
  statementRef: string;
  account: string | null;
  fromDate: string | null;
  toDate: string | null;
  lines: StatementEntryLine[];
}

/** The file cannot be taken: every problem found, with its place (`lines.<n>.<field>` or `file`). */
export class StatementFileError extends Error {
  constructor(
    message: string,
    readonly details: ErrorDetail[],
  ) {
    super(message);
  }
}

const MAX_LINES = 20_000;

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** CAMT.053 when the file is XML (starts with `<` after a BOM and blanks), else a bank's CSV export. */
export function parseStatementFile(bytes: Buffer): ParsedStatement {
  const head = bytes
    .subarray(0, 64)
    .toString('latin1')
    .replace(/^\uFEFF|^ï»¿/, '')
    .trimStart();
  return head.startsWith('<') ? parseCamt053(bytes) : parseBankCsv(bytes);
}

// ─── CAMT.053 ───────────────────────────────────────────────────────────────────────

type XmlNode = Record<string, unknown>;
const ARRAYS = new Set(['Stmt', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd']);

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && '#text' in (v as XmlNode)) return String((v as XmlNode)['#text']).trim();
  return null;
}

function node(v: unknown): XmlNode {
  return v && typeof v === 'object' ? (v as XmlNode) : {};
}

function at(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const key of path) {
    if (Array.isArray(cur)) cur = cur[0];
    cur = node(cur)[key];
  }
  return Array.isArray(cur) ? cur[0] : cur;
}

/**
 * ISO 20022 bank-to-customer statements (camt.053, any 001.0x version): BkToCstmrStmt/Stmt/Ntry with
 * Amt (Ccy), CdtDbtInd, BookgDt, NtryRef/AcctSvcrRef and the remittance text (Ustrd). Only booked
 * entries (Sts BOOK) are money; pending ones are left out. A DOCTYPE is refused outright (no entity
 * tricks); fast-xml-parser never fetches anything.
 */
export function parseCamt053(bytes: Buffer): ParsedStatement {
  const xml = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(xml))
    throw new StatementFileError('a DOCTYPE is not accepted in a statement', [{ path: ['file'], message: 'DOCTYPE' }]);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new StatementFileError(`the file is not well-formed XML: ${valid.err.msg}`, [
      { path: ['file', 'line', valid.err.line], message: valid.err.msg },
    ]);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => ARRAYS.has(name),
  }).parse(xml) as XmlNode;
  const statements = node(at(doc, 'Document', 'BkToCstmrStmt'))['Stmt'] as unknown[] | undefined;
  if (!statements?.length)
    throw new StatementFileError('not a camt.053 statement (no Document/BkToCstmrStmt/Stmt)', [
      { path: ['file'], message: 'no BkToCstmrStmt/Stmt' },
    ]);
  const problems: ErrorDetail[] = [];
  const lines: StatementEntryLine[] = [];
  const ids: string[] = [];
  let account: string | null = null;
  let lineNo = 0;
  for (const [si, stmt] of statements.entries()) {
    const id = text(at(stmt, 'Id'));
    if (!id) problems.push({ path: ['statements', si, 'Id'], message: 'the statement has no Id' });
    ids.push(id ?? '');
    account ??= text(at(stmt, 'Acct', 'Id', 'IBAN')) ?? text(at(stmt, 'Acct', 'Id', 'Othr', 'Id'));
    for (const entry of (node(stmt)['Ntry'] as unknown[] | undefined) ?? []) {
      lineNo++;
      const status = text(at(entry, 'Sts', 'Cd')) ?? text(at(entry, 'Sts'));
      if (status && status !== 'BOOK') continue;
      const path = ['lines', lineNo];
      const amt = at(entry, 'Amt');
      const currency = text(node(amt)['@_Ccy']) ?? '';
      const amountKurus = decimalKurus(text(amt) ?? '', '.');
      const indicator = text(at(entry, 'CdtDbtInd'));
      const bookingDate = (text(at(entry, 'BookgDt', 'Dt')) ?? text(at(entry, 'BookgDt', 'DtTm')) ?? '').slice(0, 10);
      const ref =
        text(at(entry, 'NtryRef')) ?? text(at(entry, 'AcctSvcrRef')) ?? text(at(entry, 'NtryDtls', 'TxDtls', 'Refs', 'AcctSvcrRef'));
      const tx = at(entry, 'NtryDtls', 'TxDtls');
      const ustrd = (node(node(tx)['RmtInf'])['Ustrd'] as unknown[] | undefined)?.map(text).filter(Boolean).join(' ') ?? '';
      const payer = text(at(tx, 'RltdPties', 'Dbtr', 'Pty', 'Nm')) ?? text(at(tx, 'RltdPties', 'Dbtr', 'Nm'));
      if (amountKurus === null) problems.push({ path: [...path, 'Amt'], message: 'an amount such as 120.50' });
      if (currency !== 'TRY') problems.push({ path: [...path, 'Ccy'], message: `currency ${currency || 'missing'}: only TRY is taken` });
      if (indicator !== 'CRDT' && indicator !== 'DBIT') problems.push({ path: [...path, 'CdtDbtInd'], message: 'CRDT or DBIT' });
      if (!isDate(bookingDate)) problems.push({ path: [...path, 'BookgDt'], message: 'a booking date YYYY-MM-DD' });
      lines.push({
        lineNo,
        entryRef: `${id ?? ''}:${ref ?? `${bookingDate}:${lineNo}`}`.slice(0, 100),
        bookingDate,
        amountKurus: amountKurus ?? 0n,
        currency,
        isCredit: indicator === 'CRDT',
        reference: ustrd.slice(0, 500),
        payerName: payer?.slice(0, 200) ?? null,
      });
    }
  }
  if (problems.length) throw new StatementFileError(`the statement has ${problems.length} problem(s)`, problems);
  const from = text(at(statements[0], 'FrToDt', 'FrDtTm'))?.slice(0, 10) ?? null;
  const to = text(at(statements.at(-1), 'FrToDt', 'ToDtTm'))?.slice(0, 10) ?? null;
  return finish({ format: 'CAMT053', statementRef: ids.join('+').slice(0, 100), account, fromDate: from, toDate: to, lines });
}

// ─── CSV ────────────────────────────────────────────────────────────────────────────

/** Header names as banks write them, folded (lower case, no Turkish diacritics, single spaces). */
const COLUMNS = {
  date: ['tarih', 'islem tarihi', 'valor', 'valor tarihi', 'date', 'booking date'],
  description: ['aciklama', 'islem aciklamasi', 'description', 'reference'],
  amount: ['tutar', 'islem tutari', 'amount'],
  credit: ['alacak'],
  debit: ['borc'],
  currency: ['para birimi', 'doviz', 'doviz cinsi', 'currency'],
  ref: ['dekont no', 'dekont', 'referans', 'referans no', 'islem no', 'fis no', 'receipt no'],
  payer: ['gonderen', 'karsi taraf', 'gonderen adi', 'payer'],
} as const;

export function fold(s: string): string {
  return s
    .toLocaleLowerCase('tr')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A Turkish bank's account-movement export: encoding (Windows-1254 when not UTF-8) and delimiter found
 * as the imports find them, dates DD.MM.YYYY, amounts with a decimal comma (dot thousands), a signed
 * amount column or separate Borç/Alacak columns. A row without a receipt number gets a key from its
 * date, amount, text and occurrence, so the same export read again gives the same keys.
 */
export function parseBankCsv(bytes: Buffer): ParsedStatement {
  const { encoding, bom } = detectEncoding(bytes);
  const content = iconv.decode(bytes.subarray(bom), encoding);
  let rows: string[][];
  try {
    rows = parseCsv(content, { delimiter: sniffDelimiter(content), relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new StatementFileError(`the file cannot be read as CSV: ${(err as Error).message}`, [
      { path: ['file'], message: 'malformed CSV' },
    ]);
  }
  if (rows.length > MAX_LINES + 1) throw new StatementFileError(`more than ${MAX_LINES} lines`, [{ path: ['file'], message: 'too long' }]);
  const header = (rows[0] ?? []).map(fold);
  const col = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const idx = {
    date: col(COLUMNS.date),
    description: col(COLUMNS.description),
    amount: col(COLUMNS.amount),
    credit: col(COLUMNS.credit),
    debit: col(COLUMNS.debit),
    currency: col(COLUMNS.currency),
    ref: col(COLUMNS.ref),
    payer: col(COLUMNS.payer),
  };
  const missing: ErrorDetail[] = [];
  if (idx.date < 0) missing.push({ path: ['columns', 'Tarih'], message: 'missing: a date column (Tarih)' });
  if (idx.description < 0) missing.push({ path: ['columns', 'Açıklama'], message: 'missing: a description column (Açıklama)' });
  if (idx.amount < 0 && idx.credit < 0)
    missing.push({ path: ['columns', 'Tutar'], message: 'missing: an amount column (Tutar, or Borç/Alacak)' });
  if (missing.length) throw new StatementFileError('the file lacks required columns', missing);

  const problems: ErrorDetail[] = [];
  const lines: StatementEntryLine[] = [];
  const seen = new Map<string, number>();
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const lineNo = r + 1;
    const path = ['lines', lineNo];
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
    const date = trDate(cell(idx.date));
    if (!date) problems.push({ path: [...path, 'Tarih'], message: 'a date DD.MM.YYYY' });
    let signed: bigint | null;
    if (idx.amount >= 0) signed = decimalKurus(cell(idx.amount), ',');
    else {
      const credit = cell(idx.credit) ? decimalKurus(cell(idx.credit), ',') : 0n;
      const debit = cell(idx.debit) ? decimalKurus(cell(idx.debit), ',') : 0n;
      signed = credit === null || debit === null ? null : credit - debit;
    }
    if (signed === null || signed === 0n)
      problems.push({ path: [...path, 'Tutar'], message: 'an amount such as 1.234,50 (negative for debits)' });
    const currency = (cell(idx.currency) || 'TRY').toUpperCase().replace(/^TL$/, 'TRY');
    if (currency !== 'TRY') problems.push({ path: [...path, 'Para Birimi'], message: `currency ${currency}: only TRY is taken` });
    const description = cell(idx.description);
    const amount = signed ?? 0n;
    let key = cell(idx.ref);
    if (!key) {
      const base = `${date}:${amount}:${sha256(Buffer.from(fold(description))).slice(0, 12)}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      key = `${base}:${n}`;
    }
    lines.push({
      lineNo,
      entryRef: `csv:${key}`.slice(0, 100),
      bookingDate: date ?? '',
      amountKurus: amount < 0n ? -amount : amount,
      currency,
      isCredit: amount > 0n,
      reference: description.slice(0, 500),
      payerName: cell(idx.payer).slice(0, 200) || null,
    });
  }
  if (problems.length) throw new StatementFileError(`the file has ${problems.length} problem(s)`, problems);
  const dates = lines.map((l) => l.bookingDate).sort();
  return finish({
    format: 'CSV',
    statementRef: `csv:${dates[0] ?? ''}:${dates.at(-1) ?? ''}`,
    account: null,
    fromDate: dates[0] ?? null,
    toDate: dates.at(-1) ?? null,
    lines,
  });
}

function finish(s: ParsedStatement): ParsedStatement {
  if (!s.lines.length) throw new StatementFileError('the statement has no booked entries', [{ path: ['file'], message: 'no entries' }]);
  if (s.lines.length > MAX_LINES) throw new StatementFileError(`more than ${MAX_LINES} entries`, [{ path: ['file'], message: 'too long' }]);
  const refs = new Set<string>();
  const problems: ErrorDetail[] = [];
  for (const l of s.lines) {
    if (refs.has(l.entryRef)) problems.push({ path: ['lines', l.lineNo, 'reference'], message: `entry reference ${l.entryRef} repeated` });
    refs.add(l.entryRef);
  }
  if (problems.length) throw new StatementFileError('the statement repeats entry references', problems);
  return s;
}

/** "1.234,50" (decimal ',') or "1234.50" (decimal '.'), optionally signed → kuruş; null when malformed. */
export function decimalKurus(raw: string, decimal: ',' | '.'): bigint | null {
  let s = raw.replace(/\s/g, '');
  if (decimal === ',') s = s.replace(/\.(?=\d{3}(\D|$))/g, '').replace(',', '.');
  const m = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const kurus = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] === '-' ? -kurus : kurus;
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** DD.MM.YYYY (or with / or -) → YYYY-MM-DD; null when not a calendar date. */
export function trDate(s: string): string | null {
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s.slice(0, 10).trim());
  if (!m) return isDate(s.slice(0, 10)) ? s.slice(0, 10) : null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  return isDate(iso) ? iso : null;
}

/** Invoice numbers (2026-000042, never a credit note's CN-…) and subscription-number candidates in a reference. */
export function referenceKeys(reference: string): { invoiceNumbers: string[]; tokens: string[] } {
  const invoiceNumbers = [...new Set([...reference.matchAll(/(?<![\p{L}\p{N}-])(\d{4}-\d{6})(?!\d)/gu)].map((m) => m[1]))];
  const tokens = new Set<string>();
  for (const raw of reference.split(/[\s,;:()/\\#]+/)) {
    const token = raw.replace(/^[.\-_]+|[.\-_]+$/g, '');
    if (token.length < 3 || token.length > 40 || !/\d/.test(token)) continue;
    tokens.add(token);
    tokens.add(token.toLocaleUpperCase('tr'));
  }
  return { invoiceNumbers, tokens: [...tokens] };
}
