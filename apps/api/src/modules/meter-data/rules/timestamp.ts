import type { MeterDataParams } from '../settings';
import { DAY_MS, type Verdict } from './types';

/**
 * Future or far-past timestamps: a reading stamped (by the device or the operator) more than
 * `futureToleranceMinutes` after it was received is in the future; one more than `maxAgeDays` before
 * its reception is far past (a device clock reset to its epoch). Both are SUSPECT.
 *
 * Worked example: received 2025-12-05T10:00Z, stamped 2025-12-05T10:30Z: 30 minutes ahead of the
 * 10-minute tolerance: SUSPECT (future-time). Stamped 2000-01-01: SUSPECT (past-time).
 */
export function timestamp(time: Date, receivedAt: Date, p: MeterDataParams['timestamp']): Verdict {
  if (!p.enabled) return { quality: 'VALID', rule: null };
  const ahead = time.getTime() - receivedAt.getTime();
  if (ahead > p.futureToleranceMinutes * 60_000) return { quality: 'SUSPECT', rule: 'future-time' };
  if (-ahead > p.maxAgeDays * DAY_MS) return { quality: 'SUSPECT', rule: 'past-time' };
  return { quality: 'VALID', rule: null };
}
