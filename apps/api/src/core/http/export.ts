import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { csvLine } from './csv';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_LOCALES = ['tr', 'en'] as const;
export type ExportLocale = (typeof EXPORT_LOCALES)[number];

/** What every export adds to its list's query: the file format, and for XLSX the locale of dates and numbers. */
export const exportOptionsShape = {
  format: z.enum(EXPORT_FORMATS, { message: 'must be csv or xlsx' }).default('csv'),
  /** XLSX only: tr shows DD.MM.YYYY HH:mm:ss and 1.234,567 (as Excel in Turkish does), en YYYY-MM-DD HH:mm:ss. CSV is always ISO. */
  locale: z.enum(EXPORT_LOCALES, { message: 'must be tr or en' }).default('tr'),
  /** XLSX only: the zone local times are shown in (spreadsheets have no zones); Europe/Istanbul by default. */
  timeZone: z
    .string()
    .max(64)
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone, e.g. Europe/Istanbul')
    .default('Europe/Istanbul'),
};
export interface ExportOptions {
  format: ExportFormat;
  locale: ExportLocale;
  timeZone: string;
}

/** One column: its header and how a row gives its cell. */
export interface ExportColumn<R> {
  header: string;
  value: (row: R) => unknown;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Columns for the rows of a list, from its zod row schema: every field, nested objects flattened as
 * `brand.name`, arrays and records as JSON. The export therefore shows what the list's rows hold.
 */
export function columnsOf<R>(schema: z.ZodObject, skip: string[] = []): ExportColumn<R>[] {
  const out: ExportColumn<R>[] = [];
  const walk = (shape: Record<string, z.ZodType>, path: string[]) => {
    for (const [key, field] of Object.entries(shape)) {
      const at = [...path, key];
      if (skip.includes(at.join('.'))) continue;
      let inner = field as z.ZodType & { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } };
      while (['nullable', 'optional', 'default'].includes(inner.def.type)) inner = inner.def.innerType as typeof inner;
      if (inner.def.type === 'object' && inner.def.shape) walk(inner.def.shape, at);
      else
        out.push({
          header: at.join('.'),
          value: (row) => at.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : null), row),
        });
    }
  };
  walk(schema.shape, []);
  return out;
}

/** A finished export: what to send and how to name it. */
export interface ExportFile {
  contentType: string;
  extension: string;
  body: Readable;
}

/**
 * A table as CSV or XLSX, streamed from batches of rows: one batch in memory at a time, whatever the
 * row count. CSV: RFC 4180 with ISO 8601 instants and dot decimals, cells guarded against formula
 * injection (core/http/csv). XLSX: exceljs's streaming writer (no shared strings, rows committed as
 * they come); instants become date cells in `timeZone` with the locale's date format, numbers stay
 * numbers with three decimals shown; text is always a text cell, never a formula.
 */
export function exportTable<R>(
  columns: ExportColumn<R>[],
  batches: AsyncIterable<R[]>,
  options: ExportOptions,
  sheetName: string,
): ExportFile {
  if (options.format === 'csv') {
    return {
      contentType: 'text/csv; charset=utf-8',
      extension: 'csv',
      body: Readable.from(
        (async function* () {
          yield csvLine(columns.map((c) => c.header));
          for await (const rows of batches) yield rows.map((r) => csvLine(columns.map((c) => csvValue(c.value(r))))).join('');
        })(),
      ),
    };
  }
  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  const dateFormat = options.locale === 'tr' ? 'dd.mm.yyyy hh:mm:ss' : 'yyyy-mm-dd hh:mm:ss';
  const wall = wallClock(options.timeZone);
  void (async () => {
    try {
      const header = sheet.addRow(columns.map((c) => c.header));
      header.font = { bold: true };
      header.commit();
      for await (const rows of batches) {
        for (const r of rows) {
          const row = sheet.addRow(columns.map((c) => xlsxValue(c.value(r), wall)));
          row.eachCell((cell) => {
            if (cell.value instanceof Date) cell.numFmt = dateFormat;
            else if (typeof cell.value === 'number' && !Number.isInteger(cell.value)) cell.numFmt = '#,##0.000';
          });
          row.commit();
        }
        // Let the writer drain before the next batch: memory stays at one batch.
        if (stream.writableNeedDrain) await new Promise((resolve) => stream.once('drain', resolve));
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      stream.destroy(err as Error);
    }
  })();
  return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx', body: stream };
}

function csvValue(v: unknown): unknown {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ');
  return v;
}

function xlsxValue(v: unknown, wall: (d: Date) => Date): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return wall(v);
  if (typeof v === 'string') return ISO_INSTANT.test(v) ? wall(new Date(v)) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(' ');
  return JSON.stringify(v);
}

/** An instant as the wall-clock time of a zone, in a Date whose UTC fields hold it (how spreadsheets keep times). */
function wallClock(timeZone: string): (d: Date) => Date {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (d) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(d)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return new Date(Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second));
  };
}

/** Sends an export as an attachment named `<name>-<UTC time>.<ext>`. */
export function sendExport(reply: FastifyReply, name: string, file: ExportFile) {
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${name}-${stamp}.${file.extension}"`)
    .send(file.body);
}
