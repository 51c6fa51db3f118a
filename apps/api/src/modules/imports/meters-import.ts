import { ASSET_STATUSES, type AssetStatus } from '@water/shared';
import type { ColumnSpec } from './import-columns';
import type { TableRow } from './import-file';
import { CellError, cellText, parseDecimal, parseInstant, type Cell } from './import-values';
import type { RowError } from './imports.repository';

/** Columns of a meters file, in English or Turkish; a meter is known by its brand and serial number. */
export const METER_COLUMNS: ColumnSpec[] = [
  { key: 'serial_no', aliases: ['serial', 'meter_serial', 'meter_serial_no', 'sayac_seri_no', 'seri_no'], required: true },
  { key: 'brand', aliases: ['meter_brand', 'marka'], required: true },
  { key: 'model', aliases: ['model_code', 'meter_model', 'model_kodu'], required: true },
  { key: 'initial_index', aliases: ['initial_index_m3', 'ilk_endeks'] },
  { key: 'installed_at', aliases: ['installation_date', 'montaj_tarihi', 'takilma_tarihi'] },
  { key: 'status', aliases: ['durum'] },
  { key: 'has_valve', aliases: ['valve', 'vana'] },
  { key: 'subscription_no', aliases: ['subscription', 'abone_no', 'abonelik_no'] },
];

/** Status names as utilities write them: the platform's own, or Turkish. */
const STATUS_ALIASES: Record<string, AssetStatus> = {
  aktif: 'ACTIVE',
  pasif: 'PASSIVE',
  depo: 'WAREHOUSE',
  bakim: 'MAINTENANCE',
  planli: 'PLANNED',
  kullanilmis: 'USED',
};

export interface ParsedMeter {
  rowNo: number;
  serialNo: string;
  brand: string;
  model: string;
  initialIndexM3: number;
  installedAt: Cell;
  status: AssetStatus;
  hasValve: boolean;
  subscriptionNo: string | null;
}

const TRUE = new Set(['true', '1', 'yes', 'evet', 'var', 'x']);
const FALSE = new Set(['false', '0', 'no', 'hayir', 'yok', '']);

export function parseMeterRow(row: TableRow, at: Map<string, number>): ParsedMeter | RowError {
  const get = (key: string): Cell => (at.has(key) ? (row.cells[at.get(key)!] ?? null) : null);
  const text = (key: string) => cellText(get(key));
  const err = (column: string, message: string): RowError => ({ rowNo: row.rowNo, column, message });
  const serialNo = text('serial_no');
  if (!serialNo) return err('serial_no', 'is empty');
  if (serialNo.length > 60) return err('serial_no', 'has more than 60 characters');
  const brand = text('brand');
  if (!brand) return err('brand', 'is empty');
  const model = text('model');
  if (!model) return err('model', 'is empty');
  let initialIndexM3 = 0;
  if (text('initial_index')) {
    try {
      initialIndexM3 = Math.round(parseDecimal(get('initial_index')) * 1000) / 1000;
    } catch (e) {
      return err('initial_index', (e as Error).message);
    }
    if (initialIndexM3 < 0) return err('initial_index', 'must not be negative');
  }
  const statusText = text('status');
  const folded = statusText.toLowerCase().replace(/ı/g, 'i').replace(/ş/g, 's');
  const status = !statusText
    ? 'WAREHOUSE'
    : (ASSET_STATUSES as readonly string[]).includes(statusText.toUpperCase())
      ? (statusText.toUpperCase() as AssetStatus)
      : STATUS_ALIASES[folded];
  if (!status) return err('status', `must be one of ${ASSET_STATUSES.join(', ')}`);
  const valve = text('has_valve').toLowerCase().replace(/ı/g, 'i');
  if (!TRUE.has(valve) && !FALSE.has(valve)) return err('has_valve', 'must be true or false (evet/hayır)');
  return {
    rowNo: row.rowNo,
    serialNo,
    brand,
    model,
    initialIndexM3,
    installedAt: text('installed_at') ? get('installed_at') : null,
    status,
    hasValve: TRUE.has(valve),
    subscriptionNo: text('subscription_no') || null,
  };
}

/** The installation time in the tenant's zone, or a row error. */
export function meterInstalledAt(
  m: ParsedMeter,
  timeZone: string,
  toUtc: Parameters<typeof parseInstant>[2],
  now: number,
): Date | null | RowError {
  if (m.installedAt === null) return null;
  try {
    const t = parseInstant(m.installedAt, timeZone, toUtc);
    if (t.getTime() > now + 5 * 60_000) return { rowNo: m.rowNo, column: 'installed_at', message: 'lies in the future' };
    return t;
  } catch (e) {
    if (e instanceof CellError) return { rowNo: m.rowNo, column: 'installed_at', message: e.message };
    throw e;
  }
}
