import { ASSET_STATUSES, type AssetStatus } from '@water/shared';
import { FileError } from './import-file';
import type { TableRow } from './import-file';
import { cellText, headerKey, type Cell } from './import-values';
import type { RowError } from './imports.repository';

/**
 * Columns of a devices file. A device is known by its brand and serial number; `meter_serial` (with
 * `meter_brand` when needed) fits it to a meter of the tenant. Every other column is an identifier field
 * of the device profile's technology, headed by the field's key as the profile names it (DevEUI, JoinEUI,
 * AppKey, IMEI, IMSI, ICCID, ID, PAC, …); empty cells leave a field out.
 */
const KNOWN: Record<string, string[]> = {
  serial_no: ['serial_no', 'serial', 'device_serial', 'device_serial_no', 'cihaz_seri_no', 'seri_no'],
  brand: ['brand', 'device_brand', 'marka'],
  model: ['model', 'model_code', 'device_model', 'model_kodu'],
  status: ['status', 'durum'],
  meter_serial: ['meter_serial', 'meter_serial_no', 'sayac_seri_no', 'sayac'],
  meter_brand: ['meter_brand', 'sayac_markasi'],
};

export interface DeviceColumns {
  at: Map<string, number>;
  /** Identifier field key (as headed) → column. */
  identifiers: Map<string, number>;
}

export function locateDeviceColumns(header: string[]): DeviceColumns {
  const at = new Map<string, number>();
  const identifiers = new Map<string, number>();
  header.forEach((h, i) => {
    const key = headerKey(h);
    const known = Object.entries(KNOWN).find(([, aliases]) => aliases.includes(key))?.[0];
    if (known) {
      if (at.has(known)) throw new FileError(`the column ${known} is given twice`);
      at.set(known, i);
    } else if (h.trim()) identifiers.set(h.trim(), i);
  });
  const missing = ['serial_no', 'brand', 'model'].filter((k) => !at.has(k));
  if (missing.length)
    throw new FileError(`missing columns: ${missing.join(', ')} (found: ${header.map((h) => `"${h.slice(0, 40)}"`).join(', ') || 'none'})`);
  return { at, identifiers };
}

const STATUS_ALIASES: Record<string, AssetStatus> = { aktif: 'ACTIVE', pasif: 'PASSIVE', depo: 'WAREHOUSE', bakim: 'MAINTENANCE' };

export interface ParsedDevice {
  rowNo: number;
  serialNo: string;
  brand: string;
  model: string;
  status: AssetStatus;
  meterSerial: string | null;
  meterBrand: string | null;
  identifiers: Record<string, string>;
}

export function parseDeviceRow(row: TableRow, cols: DeviceColumns): ParsedDevice | RowError {
  const get = (key: string): Cell => (cols.at.has(key) ? (row.cells[cols.at.get(key)!] ?? null) : null);
  const text = (key: string) => cellText(get(key));
  const err = (column: string, message: string): RowError => ({ rowNo: row.rowNo, column, message });
  const serialNo = text('serial_no');
  if (!serialNo) return err('serial_no', 'is empty');
  if (serialNo.length > 60) return err('serial_no', 'has more than 60 characters');
  if (!text('brand')) return err('brand', 'is empty');
  if (!text('model')) return err('model', 'is empty');
  const statusText = text('status');
  const status = !statusText
    ? 'WAREHOUSE'
    : (ASSET_STATUSES as readonly string[]).includes(statusText.toUpperCase())
      ? (statusText.toUpperCase() as AssetStatus)
      : STATUS_ALIASES[statusText.toLowerCase().replace(/ı/g, 'i')];
  if (!status) return err('status', `must be one of ${ASSET_STATUSES.join(', ')}`);
  const identifiers: Record<string, string> = {};
  for (const [key, i] of cols.identifiers) {
    const value = cellText(row.cells[i] ?? null);
    if (value) identifiers[key] = value;
  }
  return {
    rowNo: row.rowNo,
    serialNo,
    brand: text('brand'),
    model: text('model'),
    status,
    meterSerial: text('meter_serial') || null,
    meterBrand: text('meter_brand') || null,
    identifiers,
  };
}
