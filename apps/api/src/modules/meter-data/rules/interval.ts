import type { MeterDataParams } from '../settings';
import { backwardIndex } from './backward-index';
import { physicalMaximum } from './physical-maximum';
import { rolloverConsumption } from './rollover';
import { spike, type MeterHistory } from './spike';
import { timestamp } from './timestamp';
import { round3, VALID, type QualityRule, type ReadingQuality, type Verdict } from './types';

/** Largest interval consumption the column holds (DECIMAL(12,3)); a larger jump is no consumption. */
export const MAX_CONSUMPTION_M3 = 999_999_999;

/** What the per-reading rules need to know about a meter; the worker loads it once per batch. */
export interface MeterRuleContext {
  params: MeterDataParams;
  /** Register capacity (profile's, else the tenant default). */
  capacityM3: number;
  /** Q3 of the meter profile, m³/h. */
  q3M3h: number | null;
  history: MeterHistory | null;
}

export interface IndexPoint {
  time: Date;
  indexM3: number;
}

export interface Judged {
  /** Consumption since the previous reading (null for the meter's first reading or a jump no column holds). */
  consumptionM3: number | null;
  quality: ReadingQuality;
  rule: QualityRule | null;
}

/**
 * The per-reading rules on one interval, in order: timestamp, rollover / backward index, physical
 * maximum, spike. The first rule that finds the reading SUSPECT names it; a rollover that passes the
 * others is VALID and says `rollover`. `receivedAt` is when the platform got the reading (now, for an
 * operator's entry).
 */
export function judgeInterval(previous: IndexPoint | null, current: IndexPoint & { receivedAt: Date }, ctx: MeterRuleContext): Judged {
  const p = ctx.params;
  const time = timestamp(current.time, current.receivedAt, p.timestamp);
  if (!previous) return { consumptionM3: null, ...time };
  const delta = current.indexM3 - previous.indexM3;
  const intervalMs = current.time.getTime() - previous.time.getTime();
  let consumption: number | null;
  let verdict: Verdict = time;
  let rollover = false;
  if (delta < 0) {
    const wrapped = rolloverConsumption(previous.indexM3, current.indexM3, ctx.capacityM3, p.rollover);
    if (wrapped !== null) {
      consumption = wrapped;
      rollover = true;
    } else {
      consumption = 0;
      if (verdict.quality === 'VALID') verdict = backwardIndex(-delta, p.backwardIndex);
    }
  } else if (delta > MAX_CONSUMPTION_M3) {
    return { consumptionM3: null, quality: 'SUSPECT', rule: verdict.rule ?? 'physical-maximum' };
  } else consumption = round3(delta);
  if (verdict.quality === 'VALID' && consumption > 0) verdict = physicalMaximum(consumption, intervalMs, ctx.q3M3h, p.physicalMaximum);
  if (verdict.quality === 'VALID' && consumption > 0) verdict = spike(consumption, intervalMs, ctx.history, p.spike);
  if (verdict.quality === 'VALID' && rollover) verdict = { quality: 'VALID', rule: 'rollover' };
  return { consumptionM3: consumption, ...(verdict.quality === 'VALID' && !rollover ? VALID : verdict) };
}

/** The consumption of an interval alone (rollover-aware, drops as zero), as the consumption API sums it. */
export function intervalConsumption(previousM3: number, currentM3: number, capacityM3: number, p: MeterDataParams['rollover']): number {
  const delta = currentM3 - previousM3;
  if (delta >= 0) return round3(delta);
  return rolloverConsumption(previousM3, currentM3, capacityM3, p) ?? 0;
}
