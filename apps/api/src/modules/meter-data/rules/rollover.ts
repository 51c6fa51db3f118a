import type { MeterDataParams } from '../settings';
import { round3 } from './types';

/**
 * Register rollover: a mechanical or electronic register counts up to its capacity and starts again
 * at zero. A drop of the index is a rollover when the water that crossed the wrap (capacity − previous
 * + current) is at most `maxWrapShare` of the capacity; then that water is the interval's consumption.
 * Returns null when the drop is not a rollover (or the rule is off).
 *
 * Worked example: a 5-digit register (100,000 m³) read 99,998.500 then 1.250 wrapped with
 * 100,000 − 99,998.5 + 1.25 = 2.750 m³ of consumption, far under 10 % of the capacity.
 */
export function rolloverConsumption(
  previousM3: number,
  currentM3: number,
  capacityM3: number,
  p: MeterDataParams['rollover'],
): number | null {
  if (!p.enabled || currentM3 >= previousM3 || capacityM3 <= 0 || previousM3 > capacityM3) return null;
  const wrapped = round3(capacityM3 - previousM3 + currentM3);
  return wrapped >= 0 && wrapped <= capacityM3 * p.maxWrapShare ? wrapped : null;
}

/** A meter's register capacity: its profile's when set, else the tenant's default. */
export function registerCapacity(profileCapacityM3: number | null, p: MeterDataParams['rollover']): number {
  return profileCapacityM3 ?? p.defaultRegisterCapacityM3;
}
