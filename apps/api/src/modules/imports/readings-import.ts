import type { ColumnSpec } from './import-columns';
import type { TableRow } from './import-file';
import { CellError, cellText, parseDecimal, parseInstant, type Cell } from './import-values';
import type { ReadingTarget, RowError } from './imports.repository';

/** Columns of a readings file (handheld and drive-by systems, AMR exports), in English or Turkish. */
export const READING_COLUMNS: ColumnSpec[] = [
  {
    key: 'meter_serial',
    aliases: ['meter_serial_no', 'meter', 'meter_no', 'serial', 'serial_no', 'sayac_seri_no', 'sayac_no', 'sayac', 'seri_no'],
  },
  { key: 'meter_brand', aliases: ['brand', 'marka', 'sayac_markasi'] },
  {
    key: 'device',
    aliases: ['device_serial', 'device_serial_no', 'device_identifier', 'deveui', 'dev_eui', 'imei', 'cihaz', 'cihaz_seri_no'],
  },
  {
    key: 'time',
    aliases: ['timestamp', 'date', 'datetime', 'read_at', 'reading_time', 'tarih', 'zaman', 'okuma_zamani', 'okuma_tarihi'],
    required: true,
  },
  { key: 'index', aliases: ['index_m3', 'reading', 'value', 'meter_index', 'endeks', 'endeks_m3', 'okuma', 'deger'], required: true },
];
export const READING_KEY_COLUMNS = [['meter_serial', 'device']];

/** Largest index the reading column holds (DECIMAL(14,3)). */
const MAX_INDEX_M3 = 99_999_999_999;
/** A reading may lie this far ahead of the import's clock (devices' and handhelds' clocks drift). */
const FUTURE_MS = 5 * 60_000;
const EARLIEST = Date.UTC(2000, 0, 1);

/** A reading row after parsing, before its device is known. */
export interface ParsedReading {
  rowNo: number;
  meterSerial: string | null;
  meterBrand: string | null;
  device: string | null;
  time: Cell;
  indexM3: number;
}

/** A reading row ready to store. */
export interface ReadyReading {
  rowNo: number;
  target: ReadingTarget;
  time: Date;
  indexM3: number;
  subscriptionId: string | null;
  groupId: string | null;
}

/** Reads one row's cells; throws a row error (with its column) when a value is unusable. */
export function parseReadingRow(row: TableRow, at: Map<string, number>): ParsedReading | RowError {
  const get = (key: string): Cell => (at.has(key) ? (row.cells[at.get(key)!] ?? null) : null);
  const text = (key: string) => cellText(get(key)) || null;
  const meterSerial = text('meter_serial');
  const device = text('device');
  if (!meterSerial && !device)
    return { rowNo: row.rowNo, column: 'meter_serial', message: 'needs a meter serial number or a device identifier' };
  let indexM3: number;
  try {
    indexM3 = Math.round(parseDecimal(get('index')) * 1000) / 1000;
  } catch (err) {
    return { rowNo: row.rowNo, column: 'index', message: (err as Error).message };
  }
  if (indexM3 < 0) return { rowNo: row.rowNo, column: 'index', message: 'must not be negative' };
  if (indexM3 > MAX_INDEX_M3) return { rowNo: row.rowNo, column: 'index', message: `is beyond any register (at most ${MAX_INDEX_M3} m³)` };
  if (!cellText(get('time'))) return { rowNo: row.rowNo, column: 'time', message: 'is empty' };
  return { rowNo: row.rowNo, meterSerial, meterBrand: text('meter_brand'), device, time: get('time'), indexM3 };
}

/**
 * The meter (and its reading key) a parsed row names, its time in the meter's tenant's zone and the subscription the meter
 * served then; a row error when the meter or device is unknown (or another tenant's), ambiguous, or
 * the time impossible.
 */
export function resolveReading(
  r: ParsedReading,
  found: { byMeterSerial: Map<string, ReadingTarget[]>; byDeviceKey: Map<string, ReadingTarget> },
  toUtc: Parameters<typeof parseInstant>[2],
  now: number,
): ReadyReading | RowError {
  let target: ReadingTarget | undefined;
  if (r.meterSerial) {
    let candidates = found.byMeterSerial.get(r.meterSerial) ?? [];
    if (r.meterBrand) candidates = candidates.filter((t) => t.meterBrand.toLowerCase() === r.meterBrand!.toLowerCase());
    if (!candidates.length)
      return {
        rowNo: r.rowNo,
        column: 'meter_serial',
        message: `no meter with serial number ${r.meterSerial}${r.meterBrand ? ` of brand ${r.meterBrand}` : ''}`,
      };
    if (candidates.length > 1)
      return {
        rowNo: r.rowNo,
        column: 'meter_brand',
        message: `serial number ${r.meterSerial} belongs to meters of several brands: give meter_brand`,
      };
    target = candidates[0];
  }
  if (r.device) {
    const byDevice = found.byDeviceKey.get(r.device);
    if (!byDevice)
      return { rowNo: r.rowNo, column: 'device', message: `no device fitted to a meter with serial number or identifier ${r.device}` };
    if (target && target.deviceId !== byDevice.deviceId)
      return { rowNo: r.rowNo, column: 'device', message: `device ${r.device} is not the device of meter ${r.meterSerial}` };
    target = byDevice;
  }
  let time: Date;
  try {
    time = parseInstant(r.time, target!.timeZone, toUtc);
  } catch (err) {
    if (err instanceof CellError) return { rowNo: r.rowNo, column: 'time', message: err.message };
    throw err;
  }
  if (time.getTime() > now + FUTURE_MS) return { rowNo: r.rowNo, column: 'time', message: 'lies in the future' };
  if (time.getTime() < EARLIEST) return { rowNo: r.rowNo, column: 'time', message: 'is before 2000' };
  const period = target!.periods.find(
    (p) => p.startedAt.getTime() <= time.getTime() && (!p.endedAt || time.getTime() < p.endedAt.getTime()),
  );
  return {
    rowNo: r.rowNo,
    target: target!,
    time,
    indexM3: r.indexM3,
    subscriptionId: period?.subscriptionId ?? null,
    groupId: period?.groupId ?? null,
  };
}

export function isRowError(v: object): v is RowError {
  return 'message' in v && !('target' in v) && !('indexM3' in v);
}
