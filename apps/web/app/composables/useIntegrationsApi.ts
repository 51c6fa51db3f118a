import type { ApiBody, ApiSchema } from '~/lib/api-client';
import type { SettingSection } from '~/lib/integration-settings';
import { unwrap } from '~/lib/api-client';
import { networkServerSettings, webhookUrl } from '~/lib/integration-settings';

/** externalId: the ChirpStack application id; webhookPath: where the network server posts uplinks, under the API's public origin. */
export type Integration = ApiSchema<'IntegrationDto'>;
export type IntegrationRow = ApiSchema<'IntegrationListDto'>[number];
/** Creation and rotation answer the secret, once. */
export type IntegrationWithSecret = ApiSchema<'IntegrationWithSecretDto'>;

/** The integrations of a tenant's subtree (the selected tenant by default). */
export function useIntegrationsList(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `integrations:list:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      return id ? unwrap(await $api.GET('/api/integrations', { params: { query: { tenantId: id } } })) : [];
    },
  );
  return { integrations: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** One integration, found in the list of every tenant the user reads devices in (the API has no single GET). */
export function useIntegration(id: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `integrations:one:${toValue(id)}`,
    async () => unwrap(await $api.GET('/api/integrations')).find((row) => row.id === toValue(id)) ?? null,
  );
  return { integration: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useIntegrationsMutations() {
  const { $api } = useNuxtApp();
  return {
    create: async (body: ApiBody<'/api/integrations', 'post'>) => unwrap(await $api.POST('/api/integrations', { body })),
    update: async (id: string, body: ApiBody<'/api/integrations/{id}', 'patch'>) =>
      unwrap(await $api.PATCH('/api/integrations/{id}', { params: { path: { id } }, body })),
    rotateSecret: async (id: string) => unwrap(await $api.POST('/api/integrations/{id}/rotate-secret', { params: { path: { id } } })),
    remove: async (id: string) => unwrap(await $api.DELETE('/api/integrations/{id}', { params: { path: { id } } })),
  };
}

/**
 * The API's public origin for webhook URLs: NUXT_PUBLIC_INGEST_URL, else the live (Socket.io) origin,
 * else this site's origin (a reverse proxy in front of both).
 */
export function useIngestBaseUrl() {
  const config = useRuntimeConfig();
  const here = useRequestURL().origin;
  return computed(() => String(config.public.ingestUrl || config.public.liveUrl || here));
}

/** Webhook URL and network-server settings of an integration, with translated placeholders. */
export function useIntegrationSettings() {
  const { t } = useI18n();
  const base = useIngestBaseUrl();
  return {
    urlOf: (integration: Pick<Integration, 'webhookPath'>) => webhookUrl(base.value, integration.webhookPath),
    settingsOf: (integration: Pick<Integration, 'kind' | 'webhookPath' | 'externalId'>, secret: string | null): SettingSection[] =>
      networkServerSettings({
        kind: integration.kind,
        baseUrl: base.value,
        webhookPath: integration.webhookPath,
        secret,
        secretPlaceholder: t('integrations.settings.secretPlaceholder'),
        externalId: integration.externalId,
        applicationPlaceholder: t('integrations.settings.applicationPlaceholder'),
      }),
  };
}
