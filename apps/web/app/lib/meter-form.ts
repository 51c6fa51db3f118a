import type { AssetStatus, CommunicationModule, ValveState } from '@water/shared';
import type { FieldErrors } from '~/lib/form-errors';
import type { IdentifierField, IdentifierProblem } from '~/lib/identifier-fields';
import type { NewDeviceForm } from '~/lib/device-form';
import { indexText, parseIndexM3 } from '~/lib/asset-number';
import { formatDateTimeInput, parseDateTimeInput } from '~/lib/date-input';
import { emptyNewDevice, newDevicePayload, validateNewDevice } from '~/lib/device-form';

/** The meter form (brief 2.5.3). Text inputs stay text until the payload is built. */
export type DeviceMode = 'none' | 'existing' | 'new';
/** Select items cannot hold an empty value: these stand for "the profile's module" and "no valve state". */
export const PROFILE_MODULE = 'PROFILE';
export const NO_VALVE_STATE = 'NONE';

export interface MeterForm {
  tenantId: string;
  subscriptionId: string | null;
  meterProfileId: string;
  serialNo: string;
  initialIndex: string;
  /** DD.MM.YYYY HH:mm:ss in the tenant's zone; blank when unknown. */
  installedAt: string;
  status: AssetStatus;
  communicationModule: CommunicationModule | typeof PROFILE_MODULE;
  hasValve: boolean;
  valveState: ValveState | typeof NO_VALVE_STATE;
  deviceMode: DeviceMode;
  deviceId: string | null;
  newDevice: NewDeviceForm;
}

export function emptyMeterForm(tenantId = ''): MeterForm {
  return {
    tenantId,
    subscriptionId: null,
    meterProfileId: '',
    serialNo: '',
    initialIndex: '0',
    installedAt: '',
    status: 'WAREHOUSE',
    communicationModule: PROFILE_MODULE,
    hasValve: false,
    valveState: NO_VALVE_STATE,
    deviceMode: 'none',
    deviceId: null,
    newDevice: emptyNewDevice(),
  };
}

export interface MeterDetailLike {
  tenantId: string;
  timeZone: string;
  serialNo: string;
  status: AssetStatus;
  initialIndexM3: number;
  installedAt: string | null;
  hasValve: boolean;
  valveState: ValveState | null;
  profile: { id: string };
  communicationModule: { override: CommunicationModule | null };
  device: { id: string } | null;
  subscription: { id: string } | null;
}

/** The edit form: an attached device shows as "select from inventory" with that device, which is left alone unless changed. */
export function meterFormFrom(m: MeterDetailLike): MeterForm {
  return {
    tenantId: m.tenantId,
    subscriptionId: m.subscription?.id ?? null,
    meterProfileId: m.profile.id,
    serialNo: m.serialNo,
    initialIndex: indexText(m.initialIndexM3),
    installedAt: formatDateTimeInput(m.installedAt, m.timeZone),
    status: m.status,
    communicationModule: m.communicationModule.override ?? PROFILE_MODULE,
    hasValve: m.hasValve,
    valveState: m.valveState ?? NO_VALVE_STATE,
    deviceMode: m.device ? 'existing' : 'none',
    deviceId: m.device?.id ?? null,
    newDevice: emptyNewDevice(),
  };
}

export interface MeterFormCheck {
  errors: FieldErrors;
  identifiers: Record<string, IdentifierProblem>;
}

/** Problems as i18n keys by the API's paths (device fields under "device."). */
export function validateMeterForm(form: MeterForm, timeZone: string, deviceFields: readonly IdentifierField[]): MeterFormCheck {
  const errors: FieldErrors = {};
  if (!form.tenantId) errors.tenantId = 'assets.validation.required';
  if (!form.meterProfileId) errors.meterProfileId = 'assets.validation.required';
  if (!form.serialNo.trim()) errors.serialNo = 'assets.validation.required';
  if (parseIndexM3(form.initialIndex) === null) errors.initialIndexM3 = 'assets.validation.indexM3';
  if (form.installedAt.trim()) {
    const parsed = parseDateTimeInput(form.installedAt, timeZone);
    if (!parsed.ok)
      errors.installedAt = parsed.problem === 'format' ? 'assets.validation.dateTimeFormat' : 'assets.validation.dateTimeImpossible';
  }
  let identifiers: Record<string, IdentifierProblem> = {};
  if (form.deviceMode === 'existing' && !form.deviceId) errors['device.deviceId'] = 'assets.validation.required';
  if (form.deviceMode === 'new') {
    const device = validateNewDevice(form.newDevice, deviceFields, new Set(), 'device.');
    Object.assign(errors, device.errors);
    identifiers = device.identifiers;
  }
  return { errors, identifiers };
}

function common(form: MeterForm, timeZone: string) {
  const installed = form.installedAt.trim() ? parseDateTimeInput(form.installedAt, timeZone) : null;
  return {
    meterProfileId: form.meterProfileId,
    serialNo: form.serialNo.trim(),
    initialIndexM3: parseIndexM3(form.initialIndex) ?? 0,
    installedAt: installed?.ok ? installed.iso : null,
    status: form.status,
    communicationModule: form.communicationModule === PROFILE_MODULE ? null : form.communicationModule,
    hasValve: form.hasValve,
    valveState: form.hasValve && form.valveState !== NO_VALVE_STATE ? form.valveState : null,
  };
}

function devicePayload(form: MeterForm, fields: readonly IdentifierField[]) {
  if (form.deviceMode === 'existing' && form.deviceId) return { mode: 'existing' as const, deviceId: form.deviceId };
  if (form.deviceMode === 'new') return newDevicePayload(form.newDevice, fields);
  return { mode: 'none' as const };
}

/** POST /api/meters (installation date sent as an ISO instant read in the tenant's zone). */
export function createMeterPayload(form: MeterForm, timeZone: string, deviceFields: readonly IdentifierField[]) {
  return {
    tenantId: form.tenantId,
    ...common(form, timeZone),
    ...(form.subscriptionId ? { subscriptionId: form.subscriptionId } : {}),
    device: devicePayload(form, deviceFields),
  };
}

/** PATCH /api/meters/:id: the subscription and the device only when they changed. */
export function updateMeterPayload(form: MeterForm, initial: MeterForm, timeZone: string, deviceFields: readonly IdentifierField[]) {
  const deviceChanged = form.deviceMode !== initial.deviceMode || form.deviceId !== initial.deviceId || form.deviceMode === 'new';
  return {
    ...common(form, timeZone),
    ...(form.subscriptionId !== initial.subscriptionId ? { subscriptionId: form.subscriptionId } : {}),
    ...(deviceChanged ? { device: devicePayload(form, deviceFields) } : {}),
  };
}
