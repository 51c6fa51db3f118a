import type { TenantsAddress, TenantsBody, TenantsDetail, TenantsPlanStatus } from '~/composables/useTenantsApi';
import type { AddressField } from '~/lib/address-form';
import type { FieldIssues } from '~/lib/form-model';
import { isValidTaxId, PHONE_REGEX } from '@water/shared';
import { computed, reactive, ref } from 'vue';
import { ADDRESS_FIELDS } from '~/lib/address-form';
import { changedEntries, snapshot } from '~/lib/form-model';
import { numberText, parseDecimal } from '~/lib/number-input';

/** Address fields of brief 1.14.1, as typed text (the same fields as the asset forms' address). */
export const TENANTS_ADDRESS_FIELDS = ADDRESS_FIELDS;
export type TenantsAddressField = AddressField;
export type TenantsAddressValues = Record<TenantsAddressField, string>;

/** What the tenant form edits (brief 2.8.1.3). */
export interface TenantsFormValues {
  parentId: string;
  name: string;
  contactName: string;
  contactSurname: string;
  contactPhone: string;
  contactEmail: string;
  taxId: string;
  taxOffice: string;
  planType: string;
  planStatus: TenantsPlanStatus;
  timeZone: string;
  address: TenantsAddressValues;
  allowedMeterProfileIds: string[];
  allowedDeviceProfileIds: string[];
}

export type TenantsFormField = Exclude<keyof TenantsFormValues, 'address'> | `address.${TenantsAddressField}`;

function addressOf(address: TenantsAddress | null | undefined): TenantsAddressValues {
  const text = (key: TenantsAddressField) => {
    const value = address?.[key];
    return typeof value === 'number' ? numberText(value) : (value ?? '');
  };
  return Object.fromEntries(TENANTS_ADDRESS_FIELDS.map((key) => [key, text(key)])) as TenantsAddressValues;
}

function valuesOf(tenant: TenantsDetail | null | undefined, parentId: string, timeZone: string): TenantsFormValues {
  return {
    parentId: tenant?.parentId ?? parentId,
    name: tenant?.name ?? '',
    contactName: tenant?.contactName ?? '',
    contactSurname: tenant?.contactSurname ?? '',
    contactPhone: tenant?.contactPhone ?? '',
    contactEmail: tenant?.contactEmail ?? '',
    taxId: tenant?.taxId ?? '',
    taxOffice: tenant?.taxOffice ?? '',
    planType: tenant?.planType ?? 'STANDARD',
    planStatus: tenant?.planStatus ?? 'ACTIVE',
    timeZone: tenant?.timeZone ?? timeZone,
    address: addressOf(tenant?.address),
    allowedMeterProfileIds: tenant?.allowedMeterProfiles.map((p) => p.id) ?? [],
    allowedDeviceProfileIds: tenant?.allowedDeviceProfiles.map((p) => p.id) ?? [],
  };
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Which parts of the form apply: the root tenant has no parent and always uses every profile; a
 * tenant whose parent the user cannot see keeps its parent (the field is not shown).
 */
export interface TenantsFormShape {
  withParent: boolean;
  withProfiles: boolean;
}

export function tenantFormShape(tenant: TenantsDetail | null | undefined): TenantsFormShape {
  if (!tenant) return { withParent: true, withProfiles: true };
  return { withParent: !tenant.isRoot && tenant.parentId !== null, withProfiles: !tenant.isRoot };
}

/** Client checks mirroring the API's. */
export function validateTenant(values: TenantsFormValues, shape: TenantsFormShape): FieldIssues<TenantsFormField> {
  const issues: FieldIssues<TenantsFormField> = {};
  const required = { key: 'tenants.validation.required' };
  if (shape.withParent && !values.parentId) issues.parentId = { key: 'tenants.validation.choose' };
  if (!values.name.trim()) issues.name = required;
  else if (values.name.trim().length > 200) issues.name = { key: 'tenants.validation.maxLength', params: { max: 200 } };
  if (values.contactPhone.trim() && !PHONE_REGEX.test(values.contactPhone.trim()))
    issues.contactPhone = { key: 'tenants.validation.phone' };
  if (values.contactEmail.trim() && !EMAIL.test(values.contactEmail.trim())) issues.contactEmail = { key: 'tenants.validation.email' };
  if (values.taxId.trim() && !isValidTaxId(values.taxId.trim())) issues.taxId = { key: 'tenants.validation.taxId' };
  if (!values.planType.trim()) issues.planType = required;
  else if (values.planType.trim().length > 40) issues.planType = { key: 'tenants.validation.maxLength', params: { max: 40 } };
  if (!isTimeZone(values.timeZone.trim())) issues.timeZone = { key: 'tenants.validation.timeZone' };

  const a = values.address;
  if (a.postalCode.trim() && !/^[0-9]{5}$/.test(a.postalCode.trim()))
    issues['address.postalCode'] = { key: 'tenants.validation.postalCode' };
  if (a.uavtCode.trim() && !/^[0-9]{10}$/.test(a.uavtCode.trim())) issues['address.uavtCode'] = { key: 'tenants.validation.uavtCode' };
  const lat = parseDecimal(a.latitude);
  const lng = parseDecimal(a.longitude);
  if (lat !== null && (Number.isNaN(lat) || lat < -90 || lat > 90)) issues['address.latitude'] = { key: 'tenants.validation.latitude' };
  if (lng !== null && (Number.isNaN(lng) || lng < -180 || lng > 180)) issues['address.longitude'] = { key: 'tenants.validation.longitude' };
  if ((lat === null) !== (lng === null))
    issues[lat === null ? 'address.latitude' : 'address.longitude'] ??= { key: 'tenants.validation.coordinates' };
  return issues;
}

/** The address as the API takes it: null when every field is empty. */
export function addressPayload(address: TenantsAddressValues): TenantsBody['address'] {
  if (TENANTS_ADDRESS_FIELDS.every((key) => !address[key].trim())) return null;
  const body: Record<string, string | number | null> = {};
  for (const key of TENANTS_ADDRESS_FIELDS) {
    const text = address[key].trim();
    body[key] = key === 'latitude' || key === 'longitude' ? parseDecimal(text) : text || null;
  }
  return body;
}

export function tenantPayload(values: TenantsFormValues, shape: TenantsFormShape): TenantsBody {
  const optional = (text: string) => text.trim() || null;
  return {
    ...(shape.withParent ? { parentId: values.parentId } : {}),
    name: values.name.trim(),
    contactName: optional(values.contactName),
    contactSurname: optional(values.contactSurname),
    contactPhone: optional(values.contactPhone),
    contactEmail: optional(values.contactEmail),
    taxId: optional(values.taxId),
    taxOffice: optional(values.taxOffice),
    address: addressPayload(values.address),
    planType: values.planType.trim(),
    planStatus: values.planStatus,
    timeZone: values.timeZone.trim(),
    // The root always uses every profile; its lists are not set.
    ...(!shape.withProfiles
      ? {}
      : { allowedMeterProfileIds: [...values.allowedMeterProfileIds], allowedDeviceProfileIds: [...values.allowedDeviceProfileIds] }),
  };
}

/** The tenant form's state: a new tenant under `parentId`, or an existing one. */
export function createTenantForm(tenant: TenantsDetail | null, options: { parentId?: string; timeZone?: string } = {}) {
  const shape = tenantFormShape(tenant);
  const start = () => valuesOf(tenant, options.parentId ?? '', options.timeZone ?? 'Europe/Istanbul');
  const initial = ref(start());
  const values = reactive(start());
  const issues = computed(() => validateTenant(values, shape));
  return {
    values,
    shape,
    issues,
    valid: computed(() => Object.keys(issues.value).length === 0),
    dirty: computed(() => snapshot(values) !== snapshot(initial.value)),
    payload: () => tenantPayload(values, shape),
    changes: () => changedEntries(tenantPayload(values, shape), tenantPayload(initial.value, shape)),
  };
}

export type TenantsFormModel = ReturnType<typeof createTenantForm>;
