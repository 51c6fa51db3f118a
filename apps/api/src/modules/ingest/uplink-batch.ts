import { RED_ALARM_TYPES, type AlarmType } from '@water/shared';

/**
 * The rules of turning a batch of decoded uplinks into stored facts, free of any database: the
 * consumption of each reading from its neighbours in time, and the alarms each device opens and clears.
 * The processor feeds them what the database holds and writes back what they return.
 */

/** Battery level under which LOW_BATTERY opens even when the frame sets no flag. */
export const LOW_BATTERY_PCT = 10;

/** A reading of one meter, stored already or arriving in this batch. */
export interface MeterPoint {
  time: Date;
  deviceId: string;
  indexM3: number;
  /** Stored consumption (existing rows only). */
  consumptionM3?: number | null;
  /** Set for readings of this batch; existing rows have none. */
  batchRef?: number;
  /** When the platform received it (batch readings), for the timestamp rule. */
  receivedAt?: Date;
}

/** What the validation rules (meter-data/rules) say of one interval: its consumption, quality and the rule that set it. */
export interface IntervalVerdict {
  consumptionM3: number | null;
  quality: 'VALID' | 'SUSPECT';
  rule: string | null;
}

/** Judges the interval ending at `current` (its predecessor in time, or null for a meter's first reading). */
export type IntervalJudge = (previous: MeterPoint | null, current: MeterPoint) => IntervalVerdict;

export interface PointConsumption {
  batchRef: number;
  consumptionM3: number | null;
  /** The rules found it SUSPECT (e.g. the index went backwards, or jumped past any meter's reach). */
  suspect: boolean;
  quality: 'VALID' | 'SUSPECT';
  rule: string | null;
}

/** A stored reading whose predecessor changed because a batch reading arrived before it (late delivery). */
export interface ConsumptionFix {
  deviceId: string;
  time: Date;
  consumptionM3: number;
  suspect: boolean;
  quality: 'VALID' | 'SUSPECT';
  rule: string | null;
  /** New minus stored consumption, to add to the day's rollup. */
  diffM3: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Largest interval consumption the column holds (DECIMAL(12,3)); a larger jump is no consumption but suspect. */
export const MAX_CONSUMPTION_M3 = 999_999_999;

/** The rules of releases before issue 17, for meters without a rule context: a drop counts as zero, suspect. */
export const legacyJudge: IntervalJudge = (previous, current) => {
  if (!previous) return { consumptionM3: null, quality: 'VALID', rule: null };
  const delta = current.indexM3 - previous.indexM3;
  if (delta > MAX_CONSUMPTION_M3) return { consumptionM3: null, quality: 'SUSPECT', rule: 'physical-maximum' };
  if (delta < 0) return { consumptionM3: 0, quality: 'SUSPECT', rule: 'backward-index' };
  return { consumptionM3: round3(delta), quality: 'VALID', rule: null };
};

/**
 * Consumption of each batch reading of one meter = its index minus the index of the meter's previous
 * reading in time, whichever arrived first; stored readings right after a batch reading are corrected.
 * `stored` holds the meter's reading before the batch's first, those between its first and last, and
 * the one after its last. Batch readings already stored (same device and time) are dropped as duplicates.
 */
export function planConsumption(
  stored: MeterPoint[],
  batch: MeterPoint[],
  judge: IntervalJudge = legacyJudge,
): { readings: PointConsumption[]; fixes: ConsumptionFix[]; duplicates: number[] } {
  const known = new Set(stored.map((p) => `${p.deviceId}|${p.time.getTime()}`));
  const duplicates: number[] = [];
  const fresh: MeterPoint[] = [];
  for (const p of batch) {
    const key = `${p.deviceId}|${p.time.getTime()}`;
    if (known.has(key)) duplicates.push(p.batchRef!);
    else {
      known.add(key);
      fresh.push(p);
    }
  }
  // Stored rows sort before batch rows of the same time, so equal times count as no consumption.
  const all = [...stored, ...fresh].sort(
    (a, b) => a.time.getTime() - b.time.getTime() || (a.batchRef === undefined ? -1 : 0) - (b.batchRef === undefined ? -1 : 0),
  );
  const readings: PointConsumption[] = [];
  const fixes: ConsumptionFix[] = [];
  for (let i = 0; i < all.length; i++) {
    const p = all[i];
    const prev = i > 0 ? all[i - 1] : null;
    // Only batch readings and the stored readings right after one are judged: nothing else changed.
    if (p.batchRef === undefined && prev?.batchRef === undefined) continue;
    const { consumptionM3: consumption, quality, rule } = judge(prev, p);
    const suspect = quality === 'SUSPECT';
    if (p.batchRef !== undefined) readings.push({ batchRef: p.batchRef, consumptionM3: consumption, suspect, quality, rule });
    else if (consumption !== null) {
      const before = p.consumptionM3 ?? 0;
      if (consumption !== before || p.consumptionM3 === null)
        fixes.push({
          deviceId: p.deviceId,
          time: p.time,
          consumptionM3: consumption,
          suspect,
          quality,
          rule,
          diffM3: round3(consumption - before),
        });
    }
  }
  return { readings, fixes, duplicates };
}

/** What one frame says about alarms, in the order the device sent its frames. */
export interface AlarmFrame {
  time: Date;
  /** Flags the decoder set, LOW_BATTERY added under the battery threshold. */
  flagged: AlarmType[];
  /** Every alarm type the frame reported on or off. */
  reported: Partial<Record<AlarmType, boolean>>;
  batteryPct: number | null;
  /** Consumption of the frame's local day up to and including this frame, when usage is judged. */
  todayM3: number | null;
  dailyThresholdM3: number | null;
  /** The frame's local day (YYYY-MM-DD in the tenant's time zone). */
  day: string;
}

export interface OpenAlarm {
  id: string | null;
  type: AlarmType;
  startedAt: Date;
}

export interface NewAlarm {
  type: AlarmType;
  startedAt: Date;
  clearedAt: Date | null;
  details: Record<string, unknown> | null;
}

/** The flags a frame raises: the decoder's, plus LOW_BATTERY under the threshold. */
export function flaggedAlarms(reported: Partial<Record<AlarmType, boolean>>, batteryPct: number | null): AlarmType[] {
  const flagged = (Object.entries(reported) as [AlarmType, boolean][]).filter(([, on]) => on).map(([t]) => t);
  if (batteryPct !== null && batteryPct < LOW_BATTERY_PCT && !flagged.includes('LOW_BATTERY')) flagged.push('LOW_BATTERY');
  return flagged;
}

/**
 * Walks one device's frames in time order over its open alarms: red flags open alarms, flags reported
 * off (and any frame at all, for NO_SIGNAL) clear them, daily usage above the group threshold opens
 * HIGH_USAGE, which clears only once a later day stays below it.
 */
export function planAlarms(
  open: OpenAlarm[],
  frames: AlarmFrame[],
  dayOf: (d: Date) => string,
): { opened: NewAlarm[]; cleared: { id: string; clearedAt: Date }[] } {
  const current = new Map<AlarmType, OpenAlarm | NewAlarm>();
  for (const a of open) current.set(a.type, a);
  const opened: NewAlarm[] = [];
  const cleared: { id: string; clearedAt: Date }[] = [];
  for (const f of [...frames].sort((a, b) => a.time.getTime() - b.time.getTime())) {
    const toOpen = new Set<AlarmType>(f.flagged.filter((t) => RED_ALARM_TYPES.includes(t)));
    const toClear = new Set<AlarmType>(['NO_SIGNAL']);
    for (const [t, on] of Object.entries(f.reported) as [AlarmType, boolean][]) if (!on) toClear.add(t);
    if (f.batteryPct !== null && f.batteryPct >= LOW_BATTERY_PCT && f.reported.LOW_BATTERY !== true) toClear.add('LOW_BATTERY');
    let usage: Record<string, unknown> | null = null;
    if (f.todayM3 !== null && f.dailyThresholdM3 !== null) {
      if (f.todayM3 > f.dailyThresholdM3) {
        toOpen.add('HIGH_USAGE');
        usage = { todayM3: f.todayM3, thresholdM3: f.dailyThresholdM3 };
      } else toClear.add('HIGH_USAGE');
    }
    for (const t of toOpen) toClear.delete(t);

    for (const type of toClear) {
      const a = current.get(type);
      if (!a || a.startedAt.getTime() > f.time.getTime()) continue;
      if (type === 'HIGH_USAGE' && !(dayOf(a.startedAt) < f.day)) continue;
      if ('clearedAt' in a) a.clearedAt = f.time;
      else if (a.id) cleared.push({ id: a.id, clearedAt: f.time });
      current.delete(type);
    }
    for (const type of toOpen) {
      if (current.has(type)) continue;
      const a: NewAlarm = {
        type,
        startedAt: f.time,
        clearedAt: null,
        details: type === 'HIGH_USAGE' ? usage : { batteryPct: f.batteryPct },
      };
      opened.push(a);
      current.set(type, a);
    }
  }
  return { opened, cleared };
}

/** YYYY-MM-DD of an instant in a time zone, with one formatter per zone. */
export function localDayFormatter(): (time: Date, timeZone: string) => string {
  const formatters = new Map<string, Intl.DateTimeFormat>();
  return (time, timeZone) => {
    let f = formatters.get(timeZone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      formatters.set(timeZone, f);
    }
    return f.format(time);
  };
}
