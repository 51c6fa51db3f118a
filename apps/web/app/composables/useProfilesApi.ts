import type { CommunicationModule, ConnectionType, DialType, MeterType, MountingType, TemperatureType } from '@water/shared';
import type { PagedList } from '~/lib/list-query';

/** Shapes of /api/meter-profiles and /api/device-profiles (apps/api/src/modules/profiles/*.dto.ts). */
export interface ProfilesRef {
  id: string;
  brand: string;
  modelCode: string;
}

export interface ProfilesTenantRef {
  id: string;
  name: string;
}

export interface ProfilesMeterRow {
  id: string;
  brand: { id: string; name: string };
  modelCode: string;
  meterType: MeterType;
  dialType: DialType;
  temperatureType: TemperatureType;
  mountingType: MountingType;
  connectionType: ConnectionType;
  ipRating: { id: string; code: string };
  diameterMm: number;
  lengthMm: number | null;
  widthMm: number | null;
  heightMm: number | null;
  q1: number;
  q2: number;
  q3: number;
  q4: number;
  rValue: number;
  rValueManual: boolean;
  pressureLossBar: number | null;
  communicationModule: CommunicationModule;
  createdAt: string;
  updatedAt: string;
}

export interface ProfilesMeterDetail extends ProfilesMeterRow {
  compatibleDeviceProfiles: ProfilesRef[];
  allowedTenants: ProfilesTenantRef[];
}

export interface ProfilesDeviceRow {
  id: string;
  brand: { id: string; name: string };
  modelCode: string;
  communicationModule: CommunicationModule;
  batteryLifeMonths: number | null;
  expectedIntervalMinutes: number;
  description: string | null;
  technologies: { id: string; code: string; name: string }[];
  scenarioCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProfilesScenarioSummary {
  id: string;
  name: string;
  technologyId: string;
  fPort: number | null;
  isActive: boolean;
  sortOrder: number;
  version: number;
}

export interface ProfilesDeviceDetail extends ProfilesDeviceRow {
  compatibleMeterProfiles: ProfilesRef[];
  allowedTenants: ProfilesTenantRef[];
  scenarios: ProfilesScenarioSummary[];
}

export interface ProfilesScenario {
  id: string;
  deviceProfileId: string;
  technology: { id: string; code: string; name: string };
  name: string;
  fPort: number | null;
  decoderSource: string;
  fieldMapping: Record<string, string>;
  isActive: boolean;
  sortOrder: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What POST /api/device-profiles/:id/scenarios/:scenarioId/test answers. */
export interface ProfilesDecodeResult {
  function?: 'decodeUplink' | 'decodeDownlink' | 'encodeDownlink';
  /** decodeUplink and decodeDownlink. */
  data?: Record<string, unknown> | null;
  /** encodeDownlink. */
  bytes?: number[] | null;
  payloadHex?: string | null;
  fPort?: number | null;
  warnings: string[];
  errors: string[];
  /** What the decoder wrote to console during the call. */
  logs?: string[];
}

export type ProfilesKind = 'meter' | 'device';

const base = (kind: ProfilesKind) => (kind === 'meter' ? '/api/meter-profiles' : '/api/device-profiles');

/** One page of meter or device profiles, refetched when the query changes. */
export function useProfilesPage<K extends ProfilesKind>(kind: K, query: MaybeRefOrGetter<Record<string, string | number>>) {
  const { $apiFetch } = useNuxtApp();
  type Row = K extends 'meter' ? ProfilesMeterRow : ProfilesDeviceRow;
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:${kind}:${JSON.stringify(toValue(query))}`,
    () => $apiFetch<PagedList<Row>>(base(kind), { query: toValue(query) }),
  );
  return { page: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** One profile with its relations; `id` null (a new profile) fetches nothing. */
export function useProfilesDetail<K extends ProfilesKind>(kind: K, id: MaybeRefOrGetter<string | null>) {
  const { $apiFetch } = useNuxtApp();
  type Detail = K extends 'meter' ? ProfilesMeterDetail : ProfilesDeviceDetail;
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:${kind}:detail:${toValue(id) ?? 'new'}`,
    async () => {
      const value = toValue(id);
      return value ? $apiFetch<Detail>(`${base(kind)}/${value}`) : null;
    },
  );
  return { profile: computed(() => data.value ?? null), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** The message scenarios of a device profile, with their decoders. */
export function useProfilesScenarios(deviceProfileId: MaybeRefOrGetter<string>) {
  const { $apiFetch } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `profiles:device:scenarios:${toValue(deviceProfileId)}`,
    () => $apiFetch<ProfilesScenario[]>(`${base('device')}/${toValue(deviceProfileId)}/scenarios`),
  );
  return { scenarios: computed(() => data.value ?? []), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** Writes of the profile catalogue (the API requires the right at the root tenant). */
export function useProfilesMutations() {
  const { $apiFetch } = useNuxtApp();
  const scenarios = (profileId: string) => `${base('device')}/${profileId}/scenarios`;
  return {
    createMeter: (body: Record<string, unknown>) => $apiFetch<ProfilesMeterDetail>(base('meter'), { method: 'POST', body }),
    updateMeter: (id: string, body: Record<string, unknown>) => $apiFetch<ProfilesMeterDetail>(`${base('meter')}/${id}`, { method: 'PATCH', body }),
    createDevice: (body: Record<string, unknown>) => $apiFetch<ProfilesDeviceDetail>(base('device'), { method: 'POST', body }),
    updateDevice: (id: string, body: Record<string, unknown>) => $apiFetch<ProfilesDeviceDetail>(`${base('device')}/${id}`, { method: 'PATCH', body }),
    remove: (kind: ProfilesKind, id: string) => $apiFetch(`${base(kind)}/${id}`, { method: 'DELETE' }),
    createScenario: (profileId: string, body: Record<string, unknown>) => $apiFetch<ProfilesScenario>(scenarios(profileId), { method: 'POST', body }),
    updateScenario: (profileId: string, scenarioId: string, body: Record<string, unknown>) =>
      $apiFetch<ProfilesScenario>(`${scenarios(profileId)}/${scenarioId}`, { method: 'PATCH', body }),
    removeScenario: (profileId: string, scenarioId: string) => $apiFetch(`${scenarios(profileId)}/${scenarioId}`, { method: 'DELETE' }),
    testScenario: (profileId: string, scenarioId: string, body: Record<string, unknown>) =>
      $apiFetch<ProfilesDecodeResult>(`${scenarios(profileId)}/${scenarioId}/test`, { method: 'POST', body }),
  };
}
