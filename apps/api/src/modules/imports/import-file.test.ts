import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { locateColumns } from './import-columns';
import { checkZipDirectory, detectEncoding, FileError, formatOf, openTable, sniffDelimiter } from './import-file';
import { headerKey, parseDecimal, parseInstant, zonedTime } from './import-values';

async function* chunks(...parts: Buffer[]) {
  for (const p of parts) yield p;
}

describe('import values', () => {
  it.each([
    ['1234.5', 1234.5],
    ['1234,5', 1234.5],
    ['1.234,567', 1234.567],
    ['1,234.567', 1234.567],
    ['1 234,5', 1234.5],
    ['1.234.567', 1234567],
    ['-0,25', -0.25],
    ['7', 7],
  ])('reads %s as %d', (text, value) => expect(parseDecimal(text)).toBe(value));

  it.each(['abc', '1,2,3,4', '1.23.4', '', '1e5', '12,', ',5'])('refuses %j', (text) => expect(() => parseDecimal(text)).toThrow());

  const toUtc = zonedTime();
  it('reads local times in the zone and ISO with an offset as written', () => {
    expect(parseInstant('08.12.2025 14:30', 'Europe/Istanbul', toUtc).toISOString()).toBe('2025-12-08T11:30:00.000Z');
    expect(parseInstant('08/12/2025', 'Europe/Istanbul', toUtc).toISOString()).toBe('2025-12-07T21:00:00.000Z');
    expect(parseInstant('2025-12-08 14:30:15', 'Europe/Istanbul', toUtc).toISOString()).toBe('2025-12-08T11:30:15.000Z');
    expect(parseInstant('2025-12-08T14:30:00Z', 'Europe/Istanbul', toUtc).toISOString()).toBe('2025-12-08T14:30:00.000Z');
    expect(parseInstant('2025-12-08T14:30:00+0100', 'Europe/Istanbul', toUtc).toISOString()).toBe('2025-12-08T13:30:00.000Z');
    // Berlin in summer and winter: the offset of the wall time's own date.
    expect(parseInstant('01.07.2025 12:00', 'Europe/Berlin', toUtc).toISOString()).toBe('2025-07-01T10:00:00.000Z');
    expect(parseInstant('01.01.2025 12:00', 'Europe/Berlin', toUtc).toISOString()).toBe('2025-01-01T11:00:00.000Z');
  });

  it.each(['31.02.2025', '2025-13-01', '12/31/2025', 'yesterday', '08.12.2025 24:00'])('refuses the time %j', (text) =>
    expect(() => parseInstant(text, 'Europe/Istanbul', toUtc)).toThrow(),
  );

  it('folds headers: case, Turkish letters, punctuation', () => {
    expect(headerKey('Sayaç Seri No')).toBe('sayac_seri_no');
    expect(headerKey('İLÇE')).toBe('ilce');
    expect(headerKey('\ufeffIndex (m³)')).toBe('index_m3');
    expect(headerKey('E-Posta')).toBe('e_posta');
  });

  it('names missing and repeated columns', () => {
    const spec = [
      { key: 'time', aliases: ['tarih'], required: true },
      { key: 'index', aliases: ['endeks'], required: true },
    ];
    expect(locateColumns(['Tarih', 'x', 'Endeks'], spec)).toEqual(
      new Map([
        ['time', 0],
        ['index', 2],
      ]),
    );
    expect(() => locateColumns(['Tarih'], spec)).toThrow(/missing columns: index/);
    expect(() => locateColumns(['time', 'Tarih', 'index'], spec)).toThrow(/given 2 times/);
  });
});

describe('import files', () => {
  it('detects encodings', () => {
    expect(detectEncoding(Buffer.from('\ufeffa;b', 'utf8'))).toEqual({ encoding: 'utf-8', bom: 3 });
    expect(detectEncoding(Buffer.from('sayaç', 'utf8')).encoding).toBe('utf-8');
    expect(detectEncoding(iconv.encode('sayaç;şğı', 'windows-1254')).encoding).toBe('windows-1254');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ab', 'utf16le')]))).toEqual({
      encoding: 'utf-16le',
      bom: 2,
    });
    expect(detectEncoding(Buffer.from('meter,time', 'utf16le')).encoding).toBe('utf-16le');
    // A character cut at the end of the sample is not a reason for windows-1254.
    expect(detectEncoding(Buffer.from('aç', 'utf8').subarray(0, 2)).encoding).toBe('utf-8');
  });

  it('sniffs the delimiter from the header line, outside quotes', () => {
    expect(sniffDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"a;b",c,d')).toBe(',');
    expect(sniffDelimiter('a|b')).toBe('|');
    expect(sniffDelimiter('single')).toBe(',');
  });

  it('tells XLSX from CSV by the zip signature', () => {
    expect(formatOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('XLSX');
    expect(formatOf(Buffer.from('a,b'))).toBe('CSV');
  });

  it('streams a windows-1254 CSV split inside a character, reporting unreadable rows and keeping line numbers', async () => {
    const bytes = iconv.encode('Sayaç;Tarih;Endeks\r\nA1;01.01.2025;1,5\r\n"broken;x;1\r\n', 'windows-1254');
    const table = await openTable(chunks(bytes.subarray(0, 7), bytes.subarray(7)), 'CSV', { maxRows: 10 });
    expect(table.encoding).toBe('windows-1254');
    expect(table.delimiter).toBe(';');
    expect(table.header).toEqual(['Sayaç', 'Tarih', 'Endeks']);
    const rows = [];
    for await (const r of table.rows) rows.push(r);
    expect(rows.length).toBe(2);
    expect(rows.find((r) => !r.error)).toEqual({ rowNo: 2, cells: ['A1', '01.01.2025', '1,5'] });
    // An unclosed quote runs to the end of the file: the row is reported where the reader gave up.
    const broken = rows.find((r) => r.error)!;
    expect(broken.error).toMatch(/cannot be read: a quote is not closed/);
    expect(broken.rowNo).toBeGreaterThanOrEqual(3);
  });

  it('fails a file past the row limit, and an empty one', async () => {
    const table = await openTable(chunks(Buffer.from('a,b\n1,2\n3,4\n5,6\n')), 'CSV', { maxRows: 2 });
    await expect(
      (async () => {
        for await (const r of table.rows) void r;
      })(),
    ).rejects.toThrow(FileError);
    await expect(openTable(chunks(Buffer.alloc(0)), 'CSV', { maxRows: 2 })).rejects.toThrow(/empty/);
  });

  it('refuses a zip whose directory promises a bomb', () => {
    // One central directory entry: 10 KB packed, 1 GB unpacked.
    const name = Buffer.from('xl/sharedStrings.xml');
    const cd = Buffer.alloc(46 + name.length);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt32LE(10_000, 20);
    cd.writeUInt32LE(1_000_000_000, 24);
    cd.writeUInt16LE(name.length, 28);
    name.copy(cd, 46);
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(100, 16);
    const tail = Buffer.concat([cd, eocd]);
    expect(() => checkZipDirectory(tail, 100 + tail.length, 64 * 1_048_576)).toThrow(/zip bomb/);
    expect(() => checkZipDirectory(Buffer.from('not a zip'), 9, 1000)).toThrow(/not a valid XLSX/);
  });
});
