import type { LiveDetailTarget } from '~/lib/live-detail';
import { createCoalescer } from '~/composables/useLiveBuffer';
import { readingConcerns, staleKeys } from '~/lib/live-detail';

/**
 * Keeps a meter or subscription detail page current (issue 21): a reading of its meter or subscription
 * arriving through the live connection ('readings.batch', unpacked into 'reading.created') refetches the
 * record (last reading, index, status) and its consumption and readings; a burst of readings refetches
 * once. After a gap in the connection the page catches up once. No polling.
 */
export function useLiveDetail(target: MaybeRefOrGetter<LiveDetailTarget | null>) {
  const nuxtApp = useNuxtApp();
  const live = useLive();
  /** When the page last took in a live reading (for the "updated" note), null before the first. */
  const updatedAt = ref<string | null>(null);

  async function refresh() {
    const current = toValue(target);
    if (!current) return;
    const keys = staleKeys(Object.keys(nuxtApp.payload.data), current);
    if (keys.length) await refreshNuxtData(keys);
  }
  const coalescer = createCoalescer(refresh, { wait: 300, maxWait: 1_500 });

  if (import.meta.client) {
    live.on('reading.created', (event) => {
      const current = toValue(target);
      if (!current || !readingConcerns(event, current)) return;
      updatedAt.value = event.time;
      coalescer.trigger();
    });
    live.onReady((resumed) => {
      if (resumed) coalescer.trigger();
    });
    onBeforeUnmount(() => coalescer.stop());
  }

  return { status: live.status, updatedAt };
}
