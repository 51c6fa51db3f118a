/**
 * Cell values of import files as utilities' spreadsheets write them: decimal commas and thousands
 * separators, DD.MM.YYYY dates, local times in the tenant's zone. Pure functions; each returns the value
 * or throws a CellError whose message is shown to the user for that row and column.
 */

export class CellError extends Error {}

/** A cell as a reader gives it: text from CSV, also numbers and dates from XLSX. */
export type Cell = string | number | Date | boolean | null;

export function cellText(cell: Cell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

/**
 * A decimal number. `1234.5`, `1234,5`, `1.234,5`, `1,234.5`, `1 234,5`: when both separators occur the
 * last is the decimal one; a single separator is decimal, one repeated (`1.234.567`) groups thousands.
 */
export function parseDecimal(cell: Cell): number {
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new CellError('is not a number');
    return cell;
  }
  const raw = cellText(cell).replace(/[\s\u00a0\u202f']/g, '');
  if (!raw) throw new CellError('is empty');
  if (!/^[+-]?[\d.,]+$/.test(raw) || !/\d/.test(raw)) throw new CellError(`"${shorten(raw)}" is not a number`);
  const dot = raw.lastIndexOf('.');
  const comma = raw.lastIndexOf(',');
  let normal: string;
  if (dot >= 0 && comma >= 0) {
    const [decimal, group] = dot > comma ? ['.', ','] : [',', '.'];
    const [int, frac, ...rest] = raw.split(decimal);
    if (rest.length || frac === undefined || frac.includes(group)) throw new CellError(`"${shorten(raw)}" is not a number`);
    normal = `${groups(int, group, raw)}.${frac}`;
  } else if (dot >= 0 || comma >= 0) {
    const sep = dot >= 0 ? '.' : ',';
    const parts = raw.split(sep);
    normal = parts.length === 2 ? `${parts[0]}.${parts[1]}` : groups(raw, sep, raw);
  } else normal = raw;
  const n = Number(normal);
  if (!Number.isFinite(n) || normal.endsWith('.') || /^[+-]?\./.test(normal)) throw new CellError(`"${shorten(raw)}" is not a number`);
  return n;
}

/** `1.234.567` → `1234567`: every group after the first must have three digits. */
function groups(text: string, sep: string, raw: string): string {
  const parts = text.split(sep);
  if (parts.slice(1).some((p) => p.length !== 3) || !/^[+-]?\d{1,3}$/.test(parts[0]))
    throw new CellError(`"${shorten(raw)}" is not a number`);
  return parts.join('');
}

/** Wall-clock parts of a local time, before its zone is applied. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;
const DOTTED = /^(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A point in time: ISO 8601 with a zone or offset as written; ISO without one, DD.MM.YYYY or
 * DD/MM/YYYY (with HH:mm[:ss] or not: midnight) as a wall time in `timeZone`. An XLSX date cell holds
 * the wall time the sheet shows (spreadsheets have no zones), so it is read in `timeZone` too.
 */
export function parseInstant(cell: Cell, timeZone: string, toUtc: (wall: WallTime, zone: string) => number): Date {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) throw new CellError('is not a date');
    // Excel stores days as floating point: 10:00:00 may come back as 09:59:59.999.
    cell = new Date(Math.round(cell.getTime() / 1000) * 1000);
    return new Date(
      toUtc(
        {
          year: cell.getUTCFullYear(),
          month: cell.getUTCMonth() + 1,
          day: cell.getUTCDate(),
          hour: cell.getUTCHours(),
          minute: cell.getUTCMinutes(),
          second: cell.getUTCSeconds(),
          ms: cell.getUTCMilliseconds(),
        },
        timeZone,
      ),
    );
  }
  const text = cellText(cell);
  if (!text) throw new CellError('is empty');
  if (ISO_WITH_ZONE.test(text)) {
    const d = new Date(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(d.getTime())) throw new CellError(`"${shorten(text)}" is not a valid time`);
    return d;
  }
  let wall: WallTime | null = null;
  let m = ISO_LOCAL.exec(text);
  if (m) wall = wallOf(+m[1], +m[2], +m[3], m[4], m[5], m[6], m[7]);
  else if ((m = DOTTED.exec(text))) wall = wallOf(+m[3], +m[2], +m[1], m[4], m[5], m[6], undefined);
  if (!wall) throw new CellError(`"${shorten(text)}" is not a time (use DD.MM.YYYY HH:mm[:ss] or ISO 8601)`);
  const { year, month, day, hour, minute, second } = wall;
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    probe.getUTCDate() !== day ||
    probe.getUTCMonth() !== month - 1 ||
    year < 1970
  )
    throw new CellError(`"${shorten(text)}" is not a valid date`);
  return new Date(toUtc(wall, timeZone));
}

function wallOf(year: number, month: number, day: number, h?: string, mi?: string, s?: string, frac?: string): WallTime {
  return {
    year,
    month,
    day,
    hour: h ? +h : 0,
    minute: mi ? +mi : 0,
    second: s ? +s : 0,
    ms: frac ? Math.round(Number(`0.${frac}`) * 1000) : 0,
  };
}

/**
 * Wall time in a zone → UTC milliseconds, with the zone's offset read through one cached formatter per
 * zone and remembered per hour: a 100,000-row file costs a few hundred Intl calls, not 300,000.
 * A wall time skipped by a DST change is taken one offset later; a repeated one, its first occurrence.
 */
export function zonedTime(): (wall: WallTime, zone: string) => number {
  const formatters = new Map<string, Intl.DateTimeFormat>();
  const offsets = new Map<string, number>();
  const offsetAt = (utcMs: number, zone: string): number => {
    const hour = Math.floor(utcMs / 3_600_000);
    const key = `${zone}|${hour}`;
    let offset = offsets.get(key);
    if (offset !== undefined) return offset;
    let f = formatters.get(zone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      formatters.set(zone, f);
    }
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(new Date(hour * 3_600_000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - hour * 3_600_000;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
    return offset;
  };
  return (w, zone) => {
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
    let guess = asUtc - offsetAt(asUtc, zone);
    guess = asUtc - offsetAt(guess, zone);
    return guess;
  };
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * A header as a key: lower case, Turkish letters folded (İ/ı → i, ş → s, ğ → g, ü → u, ö → o, ç → c),
 * runs of spaces, dots, dashes and slashes as one underscore. `Sayaç Seri No` → `sayac_seri_no`.
 */
export function headerKey(header: string): string {
  return header
    .replace(/^\ufeff/, '')
    .replace(/[İI]/g, 'i')
    .replace(/ı/g, 'i')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
