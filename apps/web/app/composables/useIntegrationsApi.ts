import type { IntegrationKind, SettingSection } from '~/lib/integration-settings';
import { networkServerSettings, webhookUrl } from '~/lib/integration-settings';

/** Shapes of /api/integrations (apps/api/src/modules/integrations/integrations.dto.ts). */
export interface Integration {
  id: string;
  tenantId: string;
  kind: IntegrationKind;
  name: string;
  /** ChirpStack application id. */
  externalId: string | null;
  isActive: boolean;
  createdAt: string;
  /** Where the network server posts uplinks, under the API's public origin. */
  webhookPath: string;
}

export interface IntegrationRow extends Integration {
  lastUplinkAt: string | null;
  uplinks24h: { DECODED: number; FAILED: number; RECEIVED: number };
}

/** Creation and rotation answer the secret, once. */
export interface IntegrationWithSecret extends Integration {
  secret: string;
}

/** The integrations of a tenant's subtree (the selected tenant by default). */
export function useIntegrationsList(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `integrations:list:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      return id ? $apiFetch<IntegrationRow[]>('/api/integrations', { query: { tenantId: id } }) : [];
    },
  );
  return { integrations: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** One integration, found in the list of every tenant the user reads devices in (the API has no single GET). */
export function useIntegration(id: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `integrations:one:${toValue(id)}`,
    async () => (await $apiFetch<IntegrationRow[]>('/api/integrations')).find((row) => row.id === toValue(id)) ?? null,
  );
  return { integration: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

export function useIntegrationsMutations() {
  const { $apiFetch } = useNuxtApp();
  return {
    create: (body: { tenantId: string; kind: IntegrationKind; name: string; externalId?: string | null }) =>
      $apiFetch<IntegrationWithSecret>('/api/integrations', { method: 'POST', body }),
    update: (id: string, body: { name?: string; isActive?: boolean; externalId?: string | null }) =>
      $apiFetch<Integration>(`/api/integrations/${id}`, { method: 'PATCH', body }),
    rotateSecret: (id: string) => $apiFetch<IntegrationWithSecret>(`/api/integrations/${id}/rotate-secret`, { method: 'POST' }),
    remove: (id: string) => $apiFetch(`/api/integrations/${id}`, { method: 'DELETE' }),
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
