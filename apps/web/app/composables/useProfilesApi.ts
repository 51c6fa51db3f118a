import type { ApiBody, ApiQuery, ApiSchema } from '~/lib/api-client';
import { unwrap } from '~/lib/api-client';

export type ProfilesMeterRow = ApiSchema<'MeterProfilePageDto'>['items'][number];
export type ProfilesMeterDetail = ApiSchema<'MeterProfileDetailDto'>;
export type ProfilesDeviceRow = ApiSchema<'DeviceProfilePageDto'>['items'][number];
export type ProfilesDeviceDetail = ApiSchema<'DeviceProfileDetailDto'>;
export type ProfilesRef = ProfilesMeterDetail['compatibleDeviceProfiles'][number];
export type ProfilesTenantRef = ProfilesMeterDetail['allowedTenants'][number];
export type ProfilesScenarioSummary = ProfilesDeviceDetail['scenarios'][number];
export type ProfilesScenario = ApiSchema<'ScenarioDto'>;
/** What POST /api/device-profiles/:id/scenarios/:scenarioId/test answers (logs: what the decoder wrote to console). */
export type ProfilesDecodeResult = ApiSchema<'DecodeResultDto'>;

export type ProfilesKind = 'meter' | 'device';

type ProfilesPage<K extends ProfilesKind> = ApiSchema<K extends 'meter' ? 'MeterProfilePageDto' : 'DeviceProfilePageDto'>;
/** A row of the meter or device profiles table. */
export type ProfilesTableRow<K extends ProfilesKind> = ProfilesPage<K>['items'][number];
type ProfilesDetail<K extends ProfilesKind> = K extends 'meter' ? ProfilesMeterDetail : ProfilesDeviceDetail;

/** One page of meter or device profiles, refetched when the query changes. */
export function useProfilesPage<K extends ProfilesKind>(
  kind: K,
  query: MaybeRefOrGetter<ApiQuery<'/api/meter-profiles'> & ApiQuery<'/api/device-profiles'>>,
) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:${kind}:${JSON.stringify(toValue(query))}`,
    // TypeScript cannot narrow K from `kind`: each branch is typed by its route, the union is named once.
    async () =>
      (kind === 'meter'
        ? unwrap(await $api.GET('/api/meter-profiles', { params: { query: toValue(query) } }))
        : unwrap(await $api.GET('/api/device-profiles', { params: { query: toValue(query) } }))) as ProfilesPage<K>,
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** One profile with its relations; `id` null (a new profile) fetches nothing. */
export function useProfilesDetail<K extends ProfilesKind>(kind: K, id: MaybeRefOrGetter<string | null>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:${kind}:detail:${toValue(id) ?? 'new'}`,
    async () => {
      const value = toValue(id);
      if (!value) return null;
      const path = { id: value };
      return (
        kind === 'meter'
          ? unwrap(await $api.GET('/api/meter-profiles/{id}', { params: { path } }))
          : unwrap(await $api.GET('/api/device-profiles/{id}', { params: { path } }))
      ) as ProfilesDetail<K>;
    },
  );
  return { profile: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** The message scenarios of a device profile, with their decoders. */
export function useProfilesScenarios(deviceProfileId: MaybeRefOrGetter<string>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:device:scenarios:${toValue(deviceProfileId)}`,
    async () => unwrap(await $api.GET('/api/device-profiles/{id}/scenarios', { params: { path: { id: toValue(deviceProfileId) } } })),
  );
  return { scenarios: computed(() => data.value ?? []), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** Writes of the profile catalogue (the API requires the right at the root tenant). */
export function useProfilesMutations() {
  const { $api } = useNuxtApp();
  const scenario = (id: string, scenarioId: string) => ({ path: { id, scenarioId } });
  return {
    createMeter: async (body: ApiBody<'/api/meter-profiles', 'post'>) => unwrap(await $api.POST('/api/meter-profiles', { body })),
    updateMeter: async (id: string, body: ApiBody<'/api/meter-profiles/{id}', 'patch'>) =>
      unwrap(await $api.PATCH('/api/meter-profiles/{id}', { params: { path: { id } }, body })),
    createDevice: async (body: ApiBody<'/api/device-profiles', 'post'>) => unwrap(await $api.POST('/api/device-profiles', { body })),
    updateDevice: async (id: string, body: ApiBody<'/api/device-profiles/{id}', 'patch'>) =>
      unwrap(await $api.PATCH('/api/device-profiles/{id}', { params: { path: { id } }, body })),
    remove: async (kind: ProfilesKind, id: string) =>
      unwrap(
        kind === 'meter'
          ? await $api.DELETE('/api/meter-profiles/{id}', { params: { path: { id } } })
          : await $api.DELETE('/api/device-profiles/{id}', { params: { path: { id } } }),
      ),
    createScenario: async (profileId: string, body: ApiBody<'/api/device-profiles/{id}/scenarios', 'post'>) =>
      unwrap(await $api.POST('/api/device-profiles/{id}/scenarios', { params: { path: { id: profileId } }, body })),
    updateScenario: async (
      profileId: string,
      scenarioId: string,
      body: ApiBody<'/api/device-profiles/{id}/scenarios/{scenarioId}', 'patch'>,
    ) => unwrap(await $api.PATCH('/api/device-profiles/{id}/scenarios/{scenarioId}', { params: scenario(profileId, scenarioId), body })),
    removeScenario: async (profileId: string, scenarioId: string) =>
      unwrap(await $api.DELETE('/api/device-profiles/{id}/scenarios/{scenarioId}', { params: scenario(profileId, scenarioId) })),
    testScenario: async (
      profileId: string,
      scenarioId: string,
      body: ApiBody<'/api/device-profiles/{id}/scenarios/{scenarioId}/test', 'post'>,
    ) =>
      unwrap(await $api.POST('/api/device-profiles/{id}/scenarios/{scenarioId}/test', { params: scenario(profileId, scenarioId), body })),
  };
}
