import type { ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';
import { FEED_SIZE, withIncoming, withRead, type NotificationFeed, type PreferencesBody } from '~/lib/notifications';

export type NotificationPreferences = ApiSchema<'PreferencesDto'>;

/**
 * The signed-in user's notifications (GET /api/notifications), shared by the bell and the page through
 * `useState`, kept current by `notification.created` pushed to the user's own Socket.io room.
 */
export function useNotificationFeed() {
  const { $api } = useNuxtApp();
  const feed = useState<NotificationFeed>('notification-feed', () => ({ items: [], unreadCount: 0 }));
  const loaded = useState('notification-feed-loaded', () => false);
  const failed = ref(false);
  const busy = ref(false);
  const live = useLive();

  async function load() {
    try {
      const answer = unwrap(await $api.GET('/api/notifications', { params: { query: { limit: FEED_SIZE } } }));
      feed.value = { items: answer.items, unreadCount: answer.unreadCount };
      loaded.value = true;
      failed.value = false;
    } catch {
      failed.value = true;
    }
  }

  live.on('notification.created', (e) => {
    feed.value = withIncoming(feed.value, e);
  });
  // Back after a gap: what arrived meanwhile was not pushed to this page.
  live.onReady((resumed) => {
    if (resumed) void load();
  });
  onMounted(() => {
    if (!loaded.value) void load();
  });

  async function mark(id: string | null) {
    if (busy.value) return;
    busy.value = true;
    try {
      const answer =
        id === null
          ? unwrap(await $api.POST('/api/notifications/read-all'))
          : unwrap(await $api.POST('/api/notifications/{id}/read', { params: { path: { id } } }));
      feed.value = withRead(feed.value, id, new Date().toISOString(), answer.unreadCount);
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
    markRead: (id: string) => mark(id),
    markAllRead: () => mark(null),
  };
}

/** The user's own preferences: event × channel, quiet hours, digest, language (GET/PUT /api/me/notification-preferences). */
export function useNotificationPreferences() {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData('notification-preferences', async () =>
    unwrap(await $api.GET('/api/me/notification-preferences')),
  );
  async function save(body: PreferencesBody) {
    const answer = unwrap(await $api.PUT('/api/me/notification-preferences', { body }));
    data.value = answer;
    return answer;
  }
  return { data, error, status, refresh, save };
}
