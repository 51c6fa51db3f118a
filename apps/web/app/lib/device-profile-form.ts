import type { CommunicationModule } from '@water/shared';
import type { ProfilesDeviceDetail } from '~/composables/useProfilesApi';
import type { ApiBody } from '~/lib/api-client';
import type { FieldIssues } from '~/lib/form-model';
import { computed, reactive, ref, watch } from 'vue';
import { changedEntries, snapshot } from '~/lib/form-model';
import { numberText, parseInteger } from '~/lib/number-input';

/** What the device profile form edits (brief 2.7.2); numbers are kept as typed text. */
export interface ProfilesDeviceFormValues {
  brandId: string;
  modelCode: string;
  communicationModule: CommunicationModule;
  batteryLifeMonths: string;
  expectedIntervalMinutes: string;
  description: string;
  technologyIds: string[];
  compatibleMeterProfileIds: string[];
  allowedTenantIds: string[];
}

export type ProfilesDeviceField = keyof ProfilesDeviceFormValues;

function valuesOf(profile: ProfilesDeviceDetail | null | undefined): ProfilesDeviceFormValues {
  return {
    brandId: profile?.brand.id ?? '',
    modelCode: profile?.modelCode ?? '',
    communicationModule: profile?.communicationModule ?? 'RETROFIT',
    batteryLifeMonths: numberText(profile?.batteryLifeMonths),
    expectedIntervalMinutes: numberText(profile?.expectedIntervalMinutes ?? 60),
    description: profile?.description ?? '',
    technologyIds: profile?.technologies.map((t) => t.id) ?? [],
    compatibleMeterProfileIds: profile?.compatibleMeterProfiles.map((p) => p.id) ?? [],
    allowedTenantIds: profile?.allowedTenants.map((t) => t.id) ?? [],
  };
}

/** Battery life only applies to a device with a communication module (brief 2.7.2.4). */
export function hasBattery(values: Pick<ProfilesDeviceFormValues, 'communicationModule'>): boolean {
  return values.communicationModule !== 'NONE';
}

export function validateDeviceProfile(values: ProfilesDeviceFormValues): FieldIssues<ProfilesDeviceField> {
  const issues: FieldIssues<ProfilesDeviceField> = {};
  if (!values.brandId) issues.brandId = { key: 'profiles.validation.choose' };
  if (!values.modelCode.trim()) issues.modelCode = { key: 'profiles.validation.required' };
  else if (values.modelCode.trim().length > 60) issues.modelCode = { key: 'profiles.validation.maxLength', params: { max: 60 } };
  if (hasBattery(values)) {
    const battery = parseInteger(values.batteryLifeMonths);
    if (battery !== null && (Number.isNaN(battery) || battery < 1 || battery > 600))
      issues.batteryLifeMonths = { key: 'profiles.validation.battery' };
  }
  const interval = parseInteger(values.expectedIntervalMinutes);
  if (interval === null) issues.expectedIntervalMinutes = { key: 'profiles.validation.required' };
  else if (Number.isNaN(interval) || interval < 1 || interval > 44_640)
    issues.expectedIntervalMinutes = { key: 'profiles.validation.interval' };
  if (values.description.trim().length > 500) issues.description = { key: 'profiles.validation.maxLength', params: { max: 500 } };
  return issues;
}

// Built from values that passed validation: the empty choices and unparsed numbers the form can hold are not left.
export function deviceProfilePayload(values: ProfilesDeviceFormValues): ApiBody<'/api/device-profiles', 'post'> {
  return {
    brandId: values.brandId,
    modelCode: values.modelCode.trim(),
    communicationModule: values.communicationModule,
    batteryLifeMonths: hasBattery(values) ? parseInteger(values.batteryLifeMonths) : null,
    expectedIntervalMinutes: parseInteger(values.expectedIntervalMinutes),
    description: values.description.trim() || null,
    technologyIds: [...values.technologyIds],
    compatibleMeterProfileIds: [...values.compatibleMeterProfileIds],
    allowedTenantIds: [...values.allowedTenantIds],
  } as ApiBody<'/api/device-profiles', 'post'>;
}

/** The device profile form's state; choosing no communication module drops the battery life. */
export function createDeviceProfileForm(profile?: ProfilesDeviceDetail | null) {
  const initial = ref(valuesOf(profile));
  const values = reactive(valuesOf(profile));

  watch(
    () => values.communicationModule,
    () => {
      if (!hasBattery(values)) values.batteryLifeMonths = '';
    },
  );

  const issues = computed(() => validateDeviceProfile(values));
  const valid = computed(() => Object.keys(issues.value).length === 0);
  const dirty = computed(() => snapshot(values) !== snapshot(initial.value));
  const payload = () => deviceProfilePayload(values);
  const changes = () => changedEntries(deviceProfilePayload(values), deviceProfilePayload(initial.value));

  function reset(next?: ProfilesDeviceDetail | null) {
    initial.value = valuesOf(next);
    Object.assign(values, valuesOf(next));
  }

  return { values, issues, valid, dirty, payload, changes, reset, showBattery: computed(() => hasBattery(values)) };
}

export type ProfilesDeviceFormModel = ReturnType<typeof createDeviceProfileForm>;
