import { pipeline, Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { cellText, type Cell } from './import-values';

/** The whole file cannot be read (encoding, format, a broken quote, too many rows): the job fails with this message. */
export class FileError extends Error {}

export const IMPORT_ENCODINGS = ['utf-8', 'windows-1254', 'iso-8859-9', 'utf-16le', 'utf-16be'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
export const IMPORT_DELIMITERS = [',', ';', '\t', '|'] as const;
export type ImportDelimiter = (typeof IMPORT_DELIMITERS)[number];

export type ImportFormat = 'CSV' | 'XLSX';

/** A zip (XLSX) starts with PK\x03\x04; anything else is read as delimited text. */
export function formatOf(head: Buffer): ImportFormat {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50 ? 'XLSX' : 'CSV';
}

/**
 * The encoding of a text file from its first bytes: a byte-order mark says it; UTF-16 without one shows
 * as every other byte zero; bytes that are not valid UTF-8 are Windows-1254 (what Excel in Turkish saves
 * as "CSV"). Plain ASCII is UTF-8 (the same bytes in both).
 */
export function detectEncoding(head: Buffer): { encoding: ImportEncoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const sample = head.subarray(0, 4096);
  if (sample.length >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < sample.length; i++) {
      if (sample[i] !== 0) continue;
      if (i % 2 === 0) evenZero++;
      else oddZero++;
    }
    if (oddZero > sample.length / 4 && evenZero === 0) return { encoding: 'utf-16le', bom: 0 };
    if (evenZero > sample.length / 4 && oddZero === 0) return { encoding: 'utf-16be', bom: 0 };
  }
  try {
    // stream: true lets a character cut at the sample's end pass.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'windows-1254', bom: 0 };
  }
}

/** The delimiter the header line uses most, outside quotes, among , ; tab |; a comma when it has none. */
export function sniffDelimiter(text: string): ImportDelimiter {
  const counts = new Map<ImportDelimiter, number>(IMPORT_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as ImportDelimiter)) counts.set(ch as ImportDelimiter, counts.get(ch as ImportDelimiter)! + 1);
  }
  let best: ImportDelimiter = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

/** One data row: its number as a spreadsheet shows it (the header is row 1) and its cells in header order. */
export interface TableRow {
  rowNo: number;
  cells: Cell[];
  /** The reader could not split this row (a stray quote): the message, cells empty. */
  error?: string;
}

export interface OpenTable {
  /** Header cells as written (trimmed). */
  header: string[];
  encoding: ImportEncoding | null;
  delimiter: ImportDelimiter | null;
  rows: AsyncGenerator<TableRow>;
}

export interface ReadOptions {
  encoding?: ImportEncoding | null;
  delimiter?: ImportDelimiter | null;
  maxRows: number;
  /** Widest row read; wider rows are cut (a crafted file cannot make rows of a million cells). */
  maxColumns?: number;
}

const MAX_CELL = 10_000;

/** Opens an import file as a header and a stream of rows, holding one chunk and one row at a time. */
export async function openTable(chunks: AsyncIterable<Buffer>, format: ImportFormat, options: ReadOptions): Promise<OpenTable> {
  return format === 'XLSX' ? openXlsx(chunks, options) : openCsv(chunks, options);
}

async function openCsv(chunks: AsyncIterable<Buffer>, options: ReadOptions): Promise<OpenTable> {
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const detected = detectEncoding(head);
  const encoding = options.encoding ?? detected.encoding;
  const bom = options.encoding && options.encoding !== detected.encoding ? 0 : detected.bom;

  const decode = decoderFor(encoding);
  const firstText = decode(head.subarray(bom), false);
  const delimiter = options.delimiter ?? sniffDelimiter(firstText);

  async function* text(): AsyncGenerator<string> {
    let offset = head.length;
    yield firstText;
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      yield decode(next.value, false, offset);
      offset += next.value.length;
    }
    yield decode(Buffer.alloc(0), true, offset);
  }

  const skipped: TableRow[] = [];
  const parser = parse({
    on_skip: (err) => {
      skipped.push({ rowNo: Number(err?.lines ?? 0), cells: [], error: `the row cannot be read: ${csvReason(err ?? new Error())}` });
      return undefined;
    },
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_CELL * 10,
    info: true,
    trim: true,
  });
  // pipeline, not pipe: a decoding error (invalid UTF-8) must fail the parser's iteration, not hang it.
  pipeline(Readable.from(text(), { objectMode: false }), parser, () => undefined);
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; info: { lines: number } }>;
  let headerRecord: IteratorResult<{ record: string[]; info: { lines: number } }>;
  try {
    headerRecord = await records.next();
  } catch (err) {
    throw asFileError(err);
  }
  if (headerRecord.done) throw new FileError('the file is empty');
  const header = headerRecord.value.record.slice(0, options.maxColumns ?? 200).map((h) => h.trim());
  const width = header.length;

  async function* rows(): AsyncGenerator<TableRow> {
    let n = 0;
    try {
      for (;;) {
        const next = await records.next();
        while (skipped.length) yield skipped.shift()!;
        if (next.done) break;
        if (++n > options.maxRows) throw new FileError(`the file has more than ${options.maxRows} rows`);
        const { record, info } = next.value;
        yield { rowNo: info.lines, cells: record.slice(0, Math.max(width, Math.min(record.length, width + 1))) };
      }
    } catch (err) {
      throw asFileError(err);
    } finally {
      parser.destroy();
    }
  }
  return { header, encoding, delimiter, rows: rows() };
}

/** Decodes chunk after chunk, keeping a character cut between chunks; invalid UTF-8 fails the file with what to do. */
function decoderFor(encoding: ImportEncoding): (bytes: Buffer, end: boolean, offset?: number) => string {
  if (encoding === 'utf-8') {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    return (bytes, end, offset = 0) => {
      try {
        return utf8.decode(bytes, { stream: !end });
      } catch {
        throw new FileError(
          `the file is not valid UTF-8 (near byte ${offset}); if it was saved by Excel in Turkish, import it again with encoding windows-1254`,
        );
      }
    };
  }
  const decoder = iconv.getDecoder(encoding);
  return (bytes, end) => (end ? (decoder.end() ?? '') : decoder.write(bytes));
}

function csvReason(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote is not closed where the cell ends';
    case 'CSV_MAX_RECORD_SIZE':
      return 'the row is too long';
    default:
      return err.code ?? 'malformed row';
  }
}

function asFileError(err: unknown): Error {
  if (err instanceof FileError) return err;
  const e = err as Error & { code?: string; lines?: number };
  if (e?.code?.startsWith('CSV_')) return new FileError(`the file cannot be read as CSV at line ${e.lines ?? '?'}: ${csvReason(e)}`);
  return e;
}

async function openXlsx(chunks: AsyncIterable<Buffer>, options: ReadOptions): Promise<OpenTable> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(chunks), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheets = reader[Symbol.asyncIterator]();
  let sheet: IteratorResult<ExcelJS.stream.xlsx.WorksheetReader>;
  try {
    sheet = await sheets.next();
  } catch (err) {
    throw new FileError(`the file cannot be read as XLSX: ${String((err as Error).message ?? err).slice(0, 200)}`);
  }
  if (sheet.done) throw new FileError('the workbook has no worksheet');
  const rowsOf = sheet.value[Symbol.asyncIterator]();
  const maxColumns = options.maxColumns ?? 200;
  let header: string[] | null = null;
  const firstRows: TableRow[] = [];
  const xlsxRow = (row: ExcelJS.Row): TableRow => {
    const values = (row.values as unknown[]).slice(1, maxColumns + 1);
    return { rowNo: row.number, cells: values.map(xlsxCell) };
  };
  try {
    for (;;) {
      const next = await rowsOf.next();
      if (next.done) break;
      const row = xlsxRow(next.value);
      if (row.cells.every((c) => c === null || cellText(c) === '')) continue;
      header = row.cells.map((c) => cellText(c));
      break;
    }
  } catch (err) {
    throw new FileError(`the file cannot be read as XLSX: ${String((err as Error).message ?? err).slice(0, 200)}`);
  }
  if (!header) throw new FileError('the first worksheet is empty');
  async function* rows(): AsyncGenerator<TableRow> {
    yield* firstRows;
    let n = 0;
    try {
      for (;;) {
        const next = await rowsOf.next();
        if (next.done) break;
        const row = xlsxRow(next.value);
        if (row.cells.every((c) => c === null || cellText(c) === '')) continue;
        if (++n > options.maxRows) throw new FileError(`the worksheet has more than ${options.maxRows} rows`);
        yield row;
      }
    } catch (err) {
      if (err instanceof FileError) throw err;
      throw new FileError(`the file cannot be read as XLSX: ${String((err as Error).message ?? err).slice(0, 200)}`);
    }
  }
  return { header, encoding: null, delimiter: null, rows: rows() };
}

/** ExcelJS's cell value as a plain cell: formulas give their cached result, rich text its text. */
function xlsxCell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.length > MAX_CELL ? v.slice(0, MAX_CELL) : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: string };
    if ('result' in o) return xlsxCell(o.result);
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if (typeof o.text === 'string') return o.text;
    if (o.error) return `#${o.error}`;
    // Another kind of ExcelJS value (a formula without a cached result) has no text to import.
    return null;
  }
  return typeof v === 'bigint' ? v.toString() : null;
}

/**
 * An XLSX is a zip: before unpacking, its central directory must promise no more than `maxBytes`
 * unpacked and no entry more than `maxRatio` times its packed size, so a zip bomb is refused unread.
 * `tail` is the file's last bytes (the directory sits at the end). The row limit bounds the rest.
 */
export function checkZipDirectory(tail: Buffer, fileSize: number, maxBytes: number, maxRatio = 200): void {
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > tail.length) throw new FileError('the file is not a valid XLSX (no zip directory)');
  const entries = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (dirOffset === 0xffffffff || entries === 0xffff) throw new FileError('ZIP64 workbooks are not supported');
  const start = tail.length - (fileSize - dirOffset);
  if (start < 0 || start + dirSize > tail.length) throw new FileError('the XLSX directory is too large');
  let at = start;
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (tail.readUInt32LE(at) !== 0x02014b50) throw new FileError('the file is not a valid XLSX (broken zip directory)');
    const packed = tail.readUInt32LE(at + 20);
    const unpacked = tail.readUInt32LE(at + 24);
    total += unpacked;
    if (unpacked > 1_048_576 && unpacked > packed * maxRatio)
      throw new FileError(`the XLSX unpacks to ${Math.round(unpacked / packed)} times its size: refused as a zip bomb`);
    at += 46 + tail.readUInt16LE(at + 28) + tail.readUInt16LE(at + 30) + tail.readUInt16LE(at + 32);
  }
  if (total > maxBytes) throw new FileError(`the XLSX unpacks to ${total} bytes, more than ${maxBytes} allowed`);
}
