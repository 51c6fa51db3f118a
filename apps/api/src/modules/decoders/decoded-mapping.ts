import type { AlarmType, ValveState } from '@water/shared';

/**
 * Decoder output conventions (prisma/decoders/README.md): `indexM3`, `batteryPct`, `alarms`
 * ({ tamper, lowBattery, tilt, reverseFlow, leak, burst }) and `valve` ('OPEN' | 'CLOSED').
 * A scenario's field mapping renames (and scales) vendor keys: { "indexM3": "volume" } or
 * { "indexM3": { "key": "meter.volume_l", "scale": 0.001 } }; dotted keys reach nested values.
 */
export type FieldMapping = Record<string, string | { key: string; scale?: number }>;

export interface MappedReading {
  indexM3: number | null;
  batteryPct: number | null;
  /** Alarm flags the frame reported (true or false); absent types were not reported. */
  alarms: Partial<Record<AlarmType, boolean>>;
  valveState: ValveState | null;
}

const ALARM_KEYS: Record<string, AlarmType> = {
  tamper: 'TAMPER',
  lowBattery: 'LOW_BATTERY',
  tilt: 'TILT',
  reverseFlow: 'REVERSE_FLOW',
  leak: 'LEAK',
  burst: 'BURST',
};

function at(data: Record<string, unknown>, path: string): unknown {
  let v: unknown = data;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function read(data: Record<string, unknown>, mapping: FieldMapping, field: string): unknown {
  const m = mapping[field];
  if (!m) return at(data, field);
  const spec = typeof m === 'string' ? { key: m } : m;
  const v = at(data, spec.key);
  return typeof v === 'number' && spec.scale !== undefined ? v * spec.scale : v;
}

const finite = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v)
    ? v
    : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;

export function mapDecoded(data: Record<string, unknown>, mapping: FieldMapping = {}): MappedReading {
  const index = finite(read(data, mapping, 'indexM3'));
  const battery = finite(read(data, mapping, 'batteryPct'));
  const alarms: MappedReading['alarms'] = {};
  const rawAlarms = read(data, mapping, 'alarms');
  if (rawAlarms && typeof rawAlarms === 'object') {
    for (const [key, type] of Object.entries(ALARM_KEYS)) {
      const v = (rawAlarms as Record<string, unknown>)[key];
      if (typeof v === 'boolean') alarms[type] = v;
    }
  }
  for (const [key, type] of Object.entries(ALARM_KEYS)) {
    const direct = mapping[`alarms.${key}`] ? read(data, mapping, `alarms.${key}`) : undefined;
    if (typeof direct === 'boolean') alarms[type] = direct;
  }
  const valve = read(data, mapping, 'valve');
  return {
    indexM3: index !== null && index >= 0 ? Math.round(index * 1000) / 1000 : null,
    batteryPct: battery !== null ? Math.min(100, Math.max(0, Math.round(battery * 100) / 100)) : null,
    alarms,
    valveState: valve === 'OPEN' || valve === 'CLOSED' ? valve : null,
  };
}
