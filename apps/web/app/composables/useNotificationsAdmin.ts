import type { ApiBody, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

export type AlarmSubscriptionRow = ApiSchema<'AlarmSubscriptionListDto'>[number];
export type Webhook = ApiSchema<'WebhookDto'>;
export type WebhookWithSecret = ApiSchema<'WebhookWithSecretDto'>;
export type WebhookDelivery = ApiSchema<'WebhookDeliveryListDto'>[number];

/** The alarm subscriptions made at a tenant's subtree (USERS read), and the tenant's users to offer. */
export function useAlarmSubscriptions(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const subscriptions = useAsyncData(
    () => `notifications:subscriptions:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      return id ? unwrap(await $api.GET('/api/notifications/alarm-subscriptions', { params: { query: { tenantId: id } } })) : [];
    },
  );
  const users = useAsyncData(
    () => `notifications:users:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return [];
      const page = unwrap(await $api.GET('/api/users', { params: { query: { tenantId: id, pageSize: 200, sort: 'name' } } }));
      return page.items;
    },
  );
  return {
    subscriptions: computed(() => subscriptions.data.value ?? null),
    users: computed(() => users.data.value ?? []),
    pending: computed(() => subscriptions.status.value === 'pending'),
    error: subscriptions.error,
    refresh: () => subscriptions.refresh(),
  };
}

export function useAlarmSubscriptionMutations() {
  const { $api } = useNuxtApp();
  return {
    subscribe: async (body: ApiBody<'/api/notifications/alarm-subscriptions', 'post'>) =>
      unwrap(await $api.POST('/api/notifications/alarm-subscriptions', { body })),
    unsubscribe: async (id: string) =>
      unwrap(await $api.DELETE('/api/notifications/alarm-subscriptions/{id}', { params: { path: { id } } })),
  };
}

/** The webhook endpoints of a tenant's subtree (TENANTS read). */
export function useWebhooks(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `notifications:webhooks:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      return id ? unwrap(await $api.GET('/api/notifications/webhooks', { params: { query: { tenantId: id } } })) : [];
    },
  );
  return { webhooks: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** The last deliveries of one endpoint, loaded when asked for (a row opened). */
export function useWebhookDeliveries(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `notifications:webhook-deliveries:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/notifications/webhooks/{id}/deliveries', { params: { path: { id: toValue(id) } } })),
    { server: false },
  );
  return { deliveries: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useWebhookMutations() {
  const { $api } = useNuxtApp();
  const path = (id: string) => ({ params: { path: { id } } });
  return {
    create: async (body: ApiBody<'/api/notifications/webhooks', 'post'>) =>
      unwrap(await $api.POST('/api/notifications/webhooks', { body })),
    update: async (id: string, body: ApiBody<'/api/notifications/webhooks/{id}', 'patch'>) =>
      unwrap(await $api.PATCH('/api/notifications/webhooks/{id}', { ...path(id), body })),
    rotateSecret: async (id: string) => unwrap(await $api.POST('/api/notifications/webhooks/{id}/rotate-secret', path(id))),
    test: async (id: string) => unwrap(await $api.POST('/api/notifications/webhooks/{id}/test', path(id))),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/notifications/webhooks/{id}', path(id))),
  };
}

/** Translated refusals of the notification settings, webhooks, log and templates pages. */
export function useNotificationsTexts() {
  return useCrudTexts({
    errors: {
      unavailable: 'notifications.errors.unavailable',
      forbidden: 'notifications.errors.forbidden',
      notFound: 'notifications.errors.notFound',
      conflict: 'notifications.errors.conflict',
      invalid: 'notifications.errors.invalid',
      other: 'notifications.errors.other',
    },
    secret: {
      createdTitle: 'notifications.webhooks.secret.createdTitle',
      rotatedTitle: 'notifications.webhooks.secret.rotatedTitle',
      description: 'notifications.webhooks.secret.description',
      onceTitle: 'notifications.webhooks.secret.onceTitle',
      once: 'notifications.webhooks.secret.once',
      secret: 'notifications.webhooks.secret.secret',
      done: 'notifications.webhooks.secret.done',
    },
  });
}
