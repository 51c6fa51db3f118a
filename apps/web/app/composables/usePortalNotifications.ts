import type { ApiBody, ApiResponse } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { withIncomingNotification, withNotificationRead, type PortalFeed } from '~/lib/portal-notifications';
import { usePortalLiveStore } from '~/stores/portal-live';

export type PortalPreferences = ApiResponse<'/api/portal/notification-preferences'>;
export type PortalPreferencesBody = ApiBody<'/api/portal/notification-preferences', 'put'>;

/**
 * The customer's notification centre (GET /api/portal/notifications), shared by the bell and the page
 * through `useState`, kept current by `notification.created` pushed to the account's own room.
 */
export function usePortalNotificationFeed() {
  const { $api } = useNuxtApp();
  const feed = useState<PortalFeed>('portal-notification-feed', () => ({ items: [], unreadCount: 0, nextCursor: null }));
  const loaded = useState('portal-notification-feed-loaded', () => false);
  const failed = ref(false);
  const busy = ref(false);
  const live = usePortalLiveStore();
  const offs: (() => void)[] = [];

  async function load() {
    try {
      const answer = unwrap(await $api.GET('/api/portal/notifications'));
      feed.value = { items: answer.items, unreadCount: answer.unreadCount, nextCursor: answer.nextCursor ?? null };
      loaded.value = true;
      failed.value = false;
    } catch {
      failed.value = true;
    }
  }

  async function loadMore() {
    const cursor = feed.value.nextCursor;
    if (!cursor || busy.value) return;
    busy.value = true;
    try {
      const answer = unwrap(await $api.GET('/api/portal/notifications', { params: { query: { cursor } } }));
      const known = new Set(feed.value.items.map((n) => n.id));
      feed.value = {
        items: [...feed.value.items, ...answer.items.filter((n) => !known.has(n.id))],
        unreadCount: answer.unreadCount,
        nextCursor: answer.nextCursor ?? null,
      };
    } catch {
      failed.value = true;
    } finally {
      busy.value = false;
    }
  }

  onMounted(() => {
    offs.push(live.onNotification((e) => (feed.value = withIncomingNotification(feed.value, e))));
    // Back after a gap: what arrived meanwhile was not pushed here.
    offs.push(live.onReady((resumed) => resumed && void load()));
    live.acquire();
    if (!loaded.value) void load();
  });
  onBeforeUnmount(() => {
    for (const off of offs.splice(0)) off();
    live.release();
  });

  async function mark(id: string | null) {
    if (busy.value) return;
    busy.value = true;
    try {
      if (id === null) unwrap(await $api.POST('/api/portal/notifications/read-all'));
      else unwrap(await $api.POST('/api/portal/notifications/{id}/read', { params: { path: { id } } }));
      feed.value = withNotificationRead(feed.value, id, new Date().toISOString());
    } catch {
      failed.value = true;
    } finally {
      busy.value = false;
    }
  }

  return {
    feed,
    failed,
    busy,
    reload: load,
    loadMore,
    markRead: (id: string) => mark(id),
    markAllRead: () => mark(null),
  };
}

/** The customer's preferences: events × channels, quiet hours, digest (GET/PUT /api/portal/notification-preferences). */
export function usePortalNotificationPreferences() {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData('portal-notification-preferences', async () =>
    unwrap(await $api.GET('/api/portal/notification-preferences')),
  );
  async function save(body: PortalPreferencesBody) {
    const answer = unwrap(await $api.PUT('/api/portal/notification-preferences', { body }));
    data.value = answer;
    return answer;
  }
  return { data, error, status, refresh, save };
}
