import type { Gap } from './gap';
import { round3 } from './types';

export interface Estimate {
  time: Date;
  indexM3: number;
  consumptionM3: number;
  rule: 'interpolation' | 'profile';
}

/**
 * Index interpolation between two real readings: the water between them (`totalM3`, as the interval
 * rules count it — across a rollover, zero after a backward index) is spread over the missing slots in
 * proportion to time, in whole litres, so the estimates' consumption plus that of the real reading that
 * closes the gap always adds up to the real index difference. Indexes past the register capacity wrap.
 *
 * Worked example: 100.000 at 00:00, 100.900 at 04:00, slots 01:00, 02:00, 03:00: estimates 100.225,
 * 100.450, 100.675 (225 litres each), and the 04:00 reading keeps 225 litres: 900 in all. Across a
 * rollover: 99,999.800 at 00:00 and 0.200 at 02:00 on a 100,000 m³ register (0.4 m³ in all): the 01:00
 * estimate is 0.000 (wrapped from 100,000.000), consumption 0.2, and 02:00 keeps 0.2.
 */
export function interpolate(gap: Gap, totalM3: number, capacityM3: number): Estimate[] {
  if (!gap.before) return [];
  const t0 = gap.after.time.getTime();
  const span = gap.before.time.getTime() - t0;
  const litres = Math.round(Math.max(totalM3, 0) * 1000);
  const base = Math.round(gap.after.indexM3 * 1000);
  const capacity = Math.round(capacityM3 * 1000);
  const out: Estimate[] = [];
  let done = 0;
  for (const slot of gap.slots) {
    const cumulative = Math.min(litres, Math.round((litres * (slot.getTime() - t0)) / span));
    const index = capacity > 0 ? (base + cumulative) % capacity : base + cumulative;
    out.push({ time: slot, indexM3: index / 1000, consumptionM3: (cumulative - done) / 1000, rule: 'interpolation' });
    done = cumulative;
  }
  return out;
}

/**
 * One-sided estimate after the last real reading (the meter is silent now): each slot's consumption
 * is what the meter used in the same interval of the same weekday over the past weeks (`profile`
 * answers m³ for an interval of that weekday and time of day, in the tenant's zone), added to the
 * last index. When the real reading arrives, the worker deletes these and the interval rules count
 * from the real readings again.
 *
 * Worked example: last reading Monday 10:00 at 50.000; on the last four Mondays the meter used 0.020,
 * 0.030, 0.010 and 0.020 m³ between 10:00 and 11:00: the Monday 11:00 estimate is 50.020.
 */
export function profileEstimates(gap: Gap, profile: (from: Date, to: Date) => number, capacityM3: number): Estimate[] {
  const capacity = Math.round(capacityM3 * 1000);
  let index = Math.round(gap.after.indexM3 * 1000);
  let previous = gap.after.time;
  const out: Estimate[] = [];
  for (const slot of gap.slots) {
    const litres = Math.max(0, Math.round(profile(previous, slot) * 1000));
    index = capacity > 0 ? (index + litres) % capacity : index + litres;
    out.push({ time: slot, indexM3: index / 1000, consumptionM3: litres / 1000, rule: 'profile' });
    previous = slot;
  }
  return out;
}

/**
 * The m³ of an interval from the same weekdays' history: `averages` holds the meter's average
 * consumption per (weekday, local hour) over the weeks it reported — each reading's consumption in the
 * hour it closes (a reading at 11:00 counts for 10:00–11:00); an interval takes its hours' averages.
 */
export function weekdayProfile(
  averages: ReadonlyMap<string, number>,
  localHour: (d: Date) => { weekday: number; hour: number },
): (from: Date, to: Date) => number {
  return (from, to) => {
    let sum = 0;
    for (let t = from.getTime() + 3_600_000; t <= to.getTime() + 1; t += 3_600_000) {
      const { weekday, hour } = localHour(new Date(t - 1));
      sum += averages.get(`${weekday}|${hour}`) ?? 0;
    }
    return round3(sum);
  };
}
