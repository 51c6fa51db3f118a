import type { MeterDataParams } from '../settings';
import type { Verdict } from './types';

/**
 * A drop of the index that is not a rollover: counted as no consumption (water never flows back into
 * a bill) and SUSPECT, unless it stays within the tolerance (a few litres of reverse flow). The drop is
 * kept on the reading, so an operator sees it and may correct the reading.
 *
 * Worked example: 100.250 then 100.240 is a 10-litre drop: consumption 0, SUSPECT (backward-index)
 * with the default tolerance 0; with a tolerance of 0.01 m³ it is 0 and VALID.
 */
export function backwardIndex(dropM3: number, p: MeterDataParams['backwardIndex']): Verdict {
  if (!p.enabled || dropM3 <= p.toleranceM3) return { quality: 'VALID', rule: null };
  return { quality: 'SUSPECT', rule: 'backward-index' };
}
