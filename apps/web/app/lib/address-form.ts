import type { FieldErrors } from '~/lib/form-errors';

/**
 * The address sub-form (brief 1.14.1) shared by the subscription, customer and contact forms. Inputs
 * hold text; the payload is the API's AddressInput (apps/api core/http/address.dto.ts).
 */
export const ADDRESS_FIELDS = [
  'name',
  'city',
  'district',
  'neighborhood',
  'street',
  'buildingNo',
  'floor',
  'doorNo',
  'postalCode',
  'uavtCode',
  'latitude',
  'longitude',
  'description',
  'extraDetails',
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];
export type AddressForm = Record<AddressField, string>;

/** An address as the API answers it. */
export interface AddressView {
  id: string;
  name: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  district: string | null;
  neighborhood: string | null;
  street: string | null;
  buildingNo: string | null;
  floor: string | null;
  doorNo: string | null;
  postalCode: string | null;
  uavtCode: string | null;
  description: string | null;
  extraDetails: string | null;
}

export type AddressInput = Partial<Record<Exclude<AddressField, 'latitude' | 'longitude'>, string | null>> & {
  latitude?: number | null;
  longitude?: number | null;
};

export function emptyAddress(): AddressForm {
  return Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, ''])) as AddressForm;
}

export function addressFormFrom(view: Partial<AddressView> | null | undefined): AddressForm {
  const form = emptyAddress();
  if (!view) return form;
  for (const field of ADDRESS_FIELDS) {
    const value = view[field];
    form[field] = value == null ? '' : String(value);
  }
  return form;
}

export function isBlankAddress(form: AddressForm): boolean {
  return ADDRESS_FIELDS.every((f) => !form[f].trim());
}

/** A coordinate typed with a dot or a Turkish decimal comma; NaN when it is not a number. */
export function parseCoordinate(text: string): number {
  const t = text.trim().replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** The API's AddressInput: blanks as null (clears them on update), coordinates as numbers; null when nothing was typed. */
export function addressPayload(form: AddressForm): AddressInput | null {
  if (isBlankAddress(form)) return null;
  const out: AddressInput = {};
  for (const field of ADDRESS_FIELDS) {
    const value = form[field].trim();
    if (field === 'latitude' || field === 'longitude') out[field] = value ? parseCoordinate(value) : null;
    else out[field] = value || null;
  }
  return out;
}

/** Client checks mirroring the API's, as i18n keys by dotted path under `prefix`. */
export function validateAddress(form: AddressForm, prefix: string, options: { required?: boolean } = {}): FieldErrors {
  const errors: FieldErrors = {};
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  if (isBlankAddress(form)) {
    if (options.required) errors[at('city')] = 'assets.validation.addressRequired';
    return errors;
  }
  if (form.postalCode.trim() && !/^[0-9]{5}$/.test(form.postalCode.trim())) errors[at('postalCode')] = 'assets.validation.postalCode';
  if (form.uavtCode.trim() && !/^[0-9]{10}$/.test(form.uavtCode.trim())) errors[at('uavtCode')] = 'assets.validation.uavtCode';
  const lat = form.latitude.trim();
  const lng = form.longitude.trim();
  if (lat) {
    const v = parseCoordinate(lat);
    if (Number.isNaN(v) || v < -90 || v > 90) errors[at('latitude')] = 'assets.validation.latitude';
  }
  if (lng) {
    const v = parseCoordinate(lng);
    if (Number.isNaN(v) || v < -180 || v > 180) errors[at('longitude')] = 'assets.validation.longitude';
  }
  if (!!lat !== !!lng) errors[at(lat ? 'longitude' : 'latitude')] = 'assets.validation.coordinatesTogether';
  return errors;
}

export function sameAddress(a: AddressForm, b: AddressForm): boolean {
  return ADDRESS_FIELDS.every((f) => a[f].trim() === b[f].trim());
}

/** One line for tables and cards: "Neighborhood, Street No: 12/3, District/City" (as the API's list rows). */
export function addressLine(a: Partial<AddressView> | null | undefined): string {
  if (!a) return '';
  const number = [a.buildingNo, a.doorNo].filter(Boolean).join('/');
  const street = [a.street, number].filter(Boolean).join(' No: ');
  const place = [a.district, a.city].filter(Boolean).join('/');
  return [a.neighborhood, street, place].filter(Boolean).join(', ') || a.name || '';
}
