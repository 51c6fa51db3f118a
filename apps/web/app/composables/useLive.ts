import type { LiveEventName, LiveEvents, LiveViewport } from '~/composables/useLiveConnection';
import { useDocumentVisibility } from '@vueuse/core';
import { useLiveStore } from '~/stores/live';

/**
 * A live view's handle on the Socket.io connection: connects while the calling component is mounted
 * (client only), and removes its listeners when it unmounts.
 */
export function useLive() {
  const store = useLiveStore();
  const offs: (() => void)[] = [];
  const visibility = useDocumentVisibility();
  const leaveViewport = () => store.setViewport(null);

  onMounted(() => store.acquire());
  onBeforeUnmount(() => {
    for (const off of offs.splice(0)) off();
    store.release();
  });
  watch(visibility, (state) => store.setHidden(state === 'hidden'));

  return {
    status: computed(() => store.status),
    /** Listens while the component lives; the listener receives every event of the user's tenants. */
    on<E extends LiveEventName>(name: E, listener: (payload: LiveEvents[E]) => void) {
      offs.push(store.on(name, listener));
    },
    /** `resumed`: the connection came back after a gap, so the view should catch up. */
    onReady(listener: (resumed: boolean) => void) {
      offs.push(store.onReady(listener));
    },
    /** The map cells this view shows (viewport rooms); left when the view unmounts. */
    viewport(viewport: LiveViewport | null) {
      if (!offs.includes(leaveViewport)) offs.push(leaveViewport);
      store.setViewport(viewport);
    },
  };
}
