import type { ReadingEvent } from '@water/shared';

/**
 * A detail page that follows its record live (issue 21): which readings concern it, and which of the
 * page's fetched data a new reading makes stale. Pure, so test/unit runs it without Nuxt.
 */
export interface LiveDetailTarget {
  /** The record's own id (a meter's or a subscription's). */
  id: string;
  /** Readings of these meters concern the page (a meter page: the meter; a subscription page: its current meter). */
  meterIds: readonly string[];
  /** Readings booked to this subscription concern the page. */
  subscriptionId?: string | null;
}

export function readingConcerns(event: Pick<ReadingEvent, 'meterId' | 'subscriptionId'>, target: LiveDetailTarget): boolean {
  if (event.meterId && target.meterIds.includes(event.meterId)) return true;
  return !!target.subscriptionId && event.subscriptionId === target.subscriptionId;
}

/** Data of the page a reading changes: the record, its consumption, its readings and their quality (keys naming its id). */
const STALE_PREFIXES = ['assets:', 'meter-data:'] as const;

export function staleKeys(keys: readonly string[], target: LiveDetailTarget): string[] {
  const ids = [target.id, ...target.meterIds];
  return keys.filter((key) => STALE_PREFIXES.some((prefix) => key.startsWith(prefix)) && ids.some((id) => key.includes(id)));
}
