import type { AssetStatus } from '@water/shared';
import type { FieldErrors } from '~/lib/form-errors';
import type { IdentifierField, IdentifierProblem, IdentifierView } from '~/lib/identifier-fields';
import { identifierProblems, identifiersPayload, identifierValuesFrom, storedSecretKeys } from '~/lib/identifier-fields';

/**
 * The device fields of the device form (brief 2.6.3) and of the meter form's "create new" device
 * (2.5.3.10.3): profile, serial number, status and the profile's identifier fields.
 */
export interface NewDeviceForm {
  deviceProfileId: string;
  serialNo: string;
  status: AssetStatus;
  identifiers: Record<string, string>;
}

export interface DeviceForm extends NewDeviceForm {
  tenantId: string;
  /** Related meter (optional, may be added later). */
  meterId: string | null;
}

export function emptyNewDevice(): NewDeviceForm {
  return { deviceProfileId: '', serialNo: '', status: 'WAREHOUSE', identifiers: {} };
}

/** What the edit form starts from. */
export interface DeviceDetailLike {
  tenantId: string;
  serialNo: string;
  status: AssetStatus;
  profile: { id: string };
  meter: { id: string } | null;
  identifiers: Record<string, IdentifierView>;
}

export function deviceFormFrom(d: DeviceDetailLike): DeviceForm {
  return {
    tenantId: d.tenantId,
    meterId: d.meter?.id ?? null,
    deviceProfileId: d.profile.id,
    serialNo: d.serialNo,
    status: d.status,
    identifiers: identifierValuesFrom(d.identifiers),
  };
}

export { storedSecretKeys };

/** Problems of the device fields as i18n keys (identifier problems separately, they carry a length). */
export function validateNewDevice(
  form: NewDeviceForm,
  fields: readonly IdentifierField[],
  storedSecrets: ReadonlySet<string> = new Set(),
  prefix = '',
): { errors: FieldErrors; identifiers: Record<string, IdentifierProblem> } {
  const errors: FieldErrors = {};
  if (!form.deviceProfileId) errors[`${prefix}deviceProfileId`] = 'assets.validation.required';
  if (!form.serialNo.trim()) errors[`${prefix}serialNo`] = 'assets.validation.required';
  return { errors, identifiers: form.deviceProfileId ? identifierProblems(fields, form.identifiers, storedSecrets) : {} };
}

/** The meter form's `device` object for "create new". */
export function newDevicePayload(form: NewDeviceForm, fields: readonly IdentifierField[]) {
  return {
    mode: 'new' as const,
    deviceProfileId: form.deviceProfileId,
    serialNo: form.serialNo.trim(),
    status: form.status,
    identifiers: identifiersPayload(fields, form.identifiers, 'create'),
  };
}

/** POST /api/devices */
export function createDevicePayload(form: DeviceForm, fields: readonly IdentifierField[]) {
  return {
    tenantId: form.tenantId,
    ...(form.meterId ? { meterId: form.meterId } : {}),
    deviceProfileId: form.deviceProfileId,
    serialNo: form.serialNo.trim(),
    status: form.status,
    identifiers: identifiersPayload(fields, form.identifiers, 'create'),
  };
}

/** PATCH /api/devices/:id: the meter only when it changed (null returns the device to the inventory). */
export function updateDevicePayload(form: DeviceForm, initial: DeviceForm, fields: readonly IdentifierField[]) {
  return {
    deviceProfileId: form.deviceProfileId,
    serialNo: form.serialNo.trim(),
    status: form.status,
    ...(form.meterId !== initial.meterId ? { meterId: form.meterId } : {}),
    identifiers: identifiersPayload(fields, form.identifiers, 'update'),
  };
}
