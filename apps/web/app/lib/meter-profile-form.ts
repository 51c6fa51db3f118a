import type { CommunicationModule, ConnectionType, DialType, MeterType, MountingType, TemperatureType } from '@water/shared';
import type { ProfilesMeterDetail } from '~/composables/useProfilesApi';
import type { ApiBody } from '~/lib/api-client';
import type { FieldIssue, FieldIssues } from '~/lib/form-model';
import { computeRValue } from '@water/shared';
import { computed, reactive, ref } from 'vue';
import { changedEntries, snapshot } from '~/lib/form-model';
import { hasAtMostDecimals, numberText, parseDecimal, parseInteger } from '~/lib/number-input';

/** What the meter profile form edits (brief 2.7.1); numbers are kept as typed text. */
export interface ProfilesMeterFormValues {
  brandId: string;
  modelCode: string;
  meterType: MeterType | '';
  dialType: DialType | '';
  temperatureType: TemperatureType | '';
  mountingType: MountingType | '';
  connectionType: ConnectionType | '';
  ipRatingId: string;
  diameterMm: string;
  lengthMm: string;
  widthMm: string;
  heightMm: string;
  q1: string;
  q2: string;
  q3: string;
  q4: string;
  /** Only meaningful while R is entered by hand (see rManual). */
  rValue: string;
  pressureLossBar: string;
  communicationModule: CommunicationModule | '';
  compatibleDeviceProfileIds: string[];
  allowedTenantIds: string[];
}

export type ProfilesMeterField = keyof ProfilesMeterFormValues;

export const PROFILES_FLOW_KEYS = ['q1', 'q2', 'q3', 'q4'] as const;

function valuesOf(profile: ProfilesMeterDetail | null | undefined): ProfilesMeterFormValues {
  return {
    brandId: profile?.brand.id ?? '',
    modelCode: profile?.modelCode ?? '',
    meterType: profile?.meterType ?? '',
    dialType: profile?.dialType ?? '',
    temperatureType: profile?.temperatureType ?? 'T30',
    mountingType: profile?.mountingType ?? '',
    connectionType: profile?.connectionType ?? '',
    ipRatingId: profile?.ipRating.id ?? '',
    diameterMm: numberText(profile?.diameterMm),
    lengthMm: numberText(profile?.lengthMm),
    widthMm: numberText(profile?.widthMm),
    heightMm: numberText(profile?.heightMm),
    q1: numberText(profile?.q1),
    q2: numberText(profile?.q2),
    q3: numberText(profile?.q3),
    q4: numberText(profile?.q4),
    rValue: profile?.rValueManual ? numberText(profile.rValue) : '',
    pressureLossBar: numberText(profile?.pressureLossBar),
    communicationModule: profile?.communicationModule ?? '',
    compatibleDeviceProfileIds: profile?.compatibleDeviceProfiles.map((p) => p.id) ?? [],
    allowedTenantIds: profile?.allowedTenants.map((t) => t.id) ?? [],
  };
}

const REQUIRED_CHOICES = [
  'brandId',
  'meterType',
  'dialType',
  'temperatureType',
  'mountingType',
  'connectionType',
  'ipRatingId',
  'communicationModule',
] as const;

/** A positive amount with at most `places` decimals below `max`, as the API's NUMERIC columns take it. */
function amountIssue(text: string, places: number, max: number, optional: boolean): FieldIssue | undefined {
  const value = parseDecimal(text);
  if (value === null) return optional ? undefined : { key: 'profiles.validation.required' };
  if (Number.isNaN(value)) return { key: 'profiles.validation.number' };
  if (value <= 0) return { key: 'profiles.validation.positive' };
  if (value > max) return { key: 'profiles.validation.max', params: { max } };
  if (!hasAtMostDecimals(value, places)) return { key: 'profiles.validation.decimals', params: { places } };
  return undefined;
}

/** Client-side checks mirroring the API's, so most mistakes are shown before saving. */
export function validateMeterProfile(values: ProfilesMeterFormValues, rManual: boolean): FieldIssues<ProfilesMeterField> {
  const issues: FieldIssues<ProfilesMeterField> = {};
  for (const field of REQUIRED_CHOICES) if (!values[field]) issues[field] = { key: 'profiles.validation.choose' };
  if (!values.modelCode.trim()) issues.modelCode = { key: 'profiles.validation.required' };
  else if (values.modelCode.trim().length > 60) issues.modelCode = { key: 'profiles.validation.maxLength', params: { max: 60 } };

  const diameter = parseInteger(values.diameterMm);
  if (diameter === null) issues.diameterMm = { key: 'profiles.validation.required' };
  else if (Number.isNaN(diameter) || diameter <= 0 || diameter > 5000) issues.diameterMm = { key: 'profiles.validation.diameter' };
  for (const field of ['lengthMm', 'widthMm', 'heightMm'] as const) {
    const issue = amountIssue(values[field], 1, 9_999_999.9, true);
    if (issue) issues[field] = issue;
  }

  for (const field of PROFILES_FLOW_KEYS) {
    const issue = amountIssue(values[field], 4, 999_999.9999, false);
    if (issue) issues[field] = issue;
  }
  // Q1 ≤ Q2 ≤ Q3 ≤ Q4 among the valid rates; the later rate of the first pair out of order is marked.
  let previous: { key: string; value: number } | null = null;
  for (const field of PROFILES_FLOW_KEYS) {
    if (issues[field]) continue;
    const value = parseDecimal(values[field])!;
    if (previous && value < previous.value) {
      issues[field] = { key: 'profiles.validation.flowOrder', params: { previous: previous.key.toUpperCase() } };
      break;
    }
    previous = { key: field, value };
  }

  if (rManual) {
    const issue = amountIssue(values.rValue, 2, 99_999_999.99, false);
    if (issue) issues.rValue = issue;
  }
  const pressure = parseDecimal(values.pressureLossBar);
  if (pressure !== null && (Number.isNaN(pressure) || pressure < 0 || pressure > 999.999 || !hasAtMostDecimals(pressure, 3))) {
    issues.pressureLossBar = { key: 'profiles.validation.pressure' };
  }
  return issues;
}

/**
 * The API body of valid form values (create); R is null unless entered by hand, so the database computes Q3/Q1.
 * Only called after validation, so the empty choices and unparsed numbers the form can hold are not left (hence the cast).
 */
export function meterProfilePayload(values: ProfilesMeterFormValues, rManual: boolean): ApiBody<'/api/meter-profiles', 'post'> {
  const decimal = (text: string) => parseDecimal(text);
  return {
    brandId: values.brandId,
    modelCode: values.modelCode.trim(),
    meterType: values.meterType,
    dialType: values.dialType,
    temperatureType: values.temperatureType,
    mountingType: values.mountingType,
    connectionType: values.connectionType,
    ipRatingId: values.ipRatingId,
    diameterMm: parseInteger(values.diameterMm),
    lengthMm: decimal(values.lengthMm),
    widthMm: decimal(values.widthMm),
    heightMm: decimal(values.heightMm),
    q1: decimal(values.q1),
    q2: decimal(values.q2),
    q3: decimal(values.q3),
    q4: decimal(values.q4),
    rValue: rManual ? decimal(values.rValue) : null,
    pressureLossBar: decimal(values.pressureLossBar),
    communicationModule: values.communicationModule,
    compatibleDeviceProfileIds: [...values.compatibleDeviceProfileIds],
    allowedTenantIds: [...values.allowedTenantIds],
  } as ApiBody<'/api/meter-profiles', 'post'>;
}

/**
 * The meter profile form's state. R follows Q3/Q1 live until a value is typed into it; clearing the
 * field (or resetR) hands it back to the computation.
 */
export function createMeterProfileForm(profile?: ProfilesMeterDetail | null) {
  const initial = ref(valuesOf(profile));
  const initialManual = ref(profile?.rValueManual ?? false);
  const values = reactive(valuesOf(profile));
  const rManual = ref(initialManual.value);

  const computedR = computed(() => {
    const q1 = parseDecimal(values.q1);
    const q3 = parseDecimal(values.q3);
    return q1 && q3 && q1 > 0 && q3 > 0 ? computeRValue(q1, q3) : null;
  });
  /** What the R field shows: the typed value, or the live Q3/Q1. */
  const rText = computed(() => (rManual.value ? values.rValue : numberText(computedR.value)));

  function setRText(text: string) {
    if (!text.trim()) return resetR();
    values.rValue = text;
    rManual.value = true;
  }

  function resetR() {
    values.rValue = '';
    rManual.value = false;
  }

  const issues = computed(() => validateMeterProfile(values, rManual.value));
  const valid = computed(() => Object.keys(issues.value).length === 0);
  const dirty = computed(
    () => snapshot({ values, manual: rManual.value }) !== snapshot({ values: initial.value, manual: initialManual.value }),
  );

  /** The whole body for POST. */
  const payload = () => meterProfilePayload(values, rManual.value);
  /** Only what changed, for PATCH. */
  const changes = () => changedEntries(meterProfilePayload(values, rManual.value), meterProfilePayload(initial.value, initialManual.value));

  /** Starts over from a (re)loaded profile, e.g. after saving. */
  function reset(next?: ProfilesMeterDetail | null) {
    initial.value = valuesOf(next);
    initialManual.value = next?.rValueManual ?? false;
    Object.assign(values, valuesOf(next));
    rManual.value = initialManual.value;
  }

  return { values, rManual, computedR, rText, setRText, resetR, issues, valid, dirty, payload, changes, reset };
}

export type ProfilesMeterFormModel = ReturnType<typeof createMeterProfileForm>;
