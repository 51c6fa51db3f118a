import type { AddressForm, AddressInput } from '~/lib/address-form';
import type { FieldErrors } from '~/lib/form-errors';
import { isValidTaxId, isValidTcIdNo, PHONE_REGEX } from '@water/shared';
import { addressPayload, emptyAddress, validateAddress } from '~/lib/address-form';

/**
 * The customer form of the brief (2.3.3.9.2 inside the subscription form, 2.4.3 on its own): which
 * fields a type asks for, the checks made as the user types, and the request bodies. Values of the
 * other type stay in the form while the user switches back and forth, but are never sent.
 */
export type CustomerType = 'INDIVIDUAL' | 'ORGANIZATIONAL';

export interface PersonForm {
  name: string;
  surname: string;
  tcIdNo: string;
  phone: string;
  email: string;
  details: string;
}

/** An extra contact ("if another contact"); `id` is set for contacts already stored. */
export interface ContactForm extends PersonForm {
  id: string | null;
  withAddress: boolean;
  address: AddressForm;
}

export interface CustomerForm {
  type: CustomerType;
  name: string;
  surname: string;
  tcIdNo: string;
  organizationName: string;
  taxId: string;
  taxOffice: string;
  phone: string;
  email: string;
  /** The organisation's contact person (its primary contact). */
  contact: PersonForm;
  withAddress: boolean;
  address: AddressForm;
  contacts: ContactForm[];
}

export type CustomerField = 'name' | 'surname' | 'tcIdNo' | 'organizationName' | 'taxId' | 'taxOffice' | 'phone' | 'email';

/** The customer's own fields per type, in the brief's order. */
export const CUSTOMER_FIELDS: Record<CustomerType, readonly CustomerField[]> = {
  INDIVIDUAL: ['name', 'surname', 'tcIdNo', 'phone', 'email'],
  ORGANIZATIONAL: ['organizationName', 'taxId', 'taxOffice', 'phone', 'email'],
};
const REQUIRED: Record<CustomerType, readonly CustomerField[]> = {
  INDIVIDUAL: ['name', 'surname', 'tcIdNo'],
  ORGANIZATIONAL: ['organizationName', 'taxId'],
};

export function customerFields(type: CustomerType): readonly CustomerField[] {
  return CUSTOMER_FIELDS[type];
}

export function isRequiredField(type: CustomerType, field: CustomerField): boolean {
  return REQUIRED[type].includes(field);
}

/** Only an organisation names a contact person of its own (brief 2.3.3.9.2.2.4–7). */
export function hasContactPerson(type: CustomerType): boolean {
  return type === 'ORGANIZATIONAL';
}

export function emptyPerson(): PersonForm {
  return { name: '', surname: '', tcIdNo: '', phone: '', email: '', details: '' };
}

export function emptyContact(): ContactForm {
  return { ...emptyPerson(), id: null, withAddress: false, address: emptyAddress() };
}

export function emptyCustomer(type: CustomerType = 'INDIVIDUAL'): CustomerForm {
  return {
    type,
    name: '',
    surname: '',
    tcIdNo: '',
    organizationName: '',
    taxId: '',
    taxOffice: '',
    phone: '',
    email: '',
    contact: emptyPerson(),
    withAddress: false,
    address: emptyAddress(),
    contacts: [],
  };
}

/** Turkish numbers as people type them ("0532 123 45 67", "532-123-4567") in the E.164 form the API stores. */
export function normalizePhone(text: string): string {
  const compact = text.trim().replace(/[\s\-().]/g, '');
  if (/^0[1-9]\d{9}$/.test(compact)) return `+90${compact.slice(1)}`;
  if (/^[1-9]\d{9}$/.test(compact)) return `+90${compact}`;
  if (/^00[1-9]\d{7,14}$/.test(compact)) return `+${compact.slice(2)}`;
  return compact;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Stored identity numbers that predate the checksum rule stay editable (BRIEF-NOTES: TC ID numbers). */
export interface StoredIdentity {
  tcIdNo?: string | null;
  taxId?: string | null;
  contactTcIdNo?: string | null;
  contactTcIdNos?: Record<string, string | null>;
}

function checkPerson(
  p: PersonForm,
  at: (f: string) => string,
  errors: FieldErrors,
  opts: { nameRequired: boolean; surnameRequired: boolean; storedTc?: string | null },
) {
  if (opts.nameRequired && !p.name.trim()) errors[at('name')] = 'assets.validation.required';
  if (opts.surnameRequired && !p.surname.trim()) errors[at('surname')] = 'assets.validation.required';
  const tc = p.tcIdNo.trim();
  if (tc && tc !== opts.storedTc && !isValidTcIdNo(tc)) errors[at('tcIdNo')] = 'assets.validation.tcIdNo';
  if (p.phone.trim() && !PHONE_REGEX.test(normalizePhone(p.phone))) errors[at('phone')] = 'assets.validation.phone';
  if (p.email.trim() && !EMAIL.test(p.email.trim())) errors[at('email')] = 'assets.validation.email';
}

/**
 * Problems of the fields the type asks for, as i18n keys by the API's dotted paths under `prefix`
 * ("customer.tcIdNo" in the subscription form). The TC ID No must pass its checksum unless it is the
 * stored value left unchanged.
 */
export function validateCustomer(
  form: CustomerForm,
  options: { prefix?: string; stored?: StoredIdentity; addressRequired?: boolean; withContacts?: boolean } = {},
): FieldErrors {
  const errors: FieldErrors = {};
  const base = options.prefix ? `${options.prefix}.` : '';
  const at = (f: string) => `${base}${f}`;
  const stored = options.stored ?? {};
  for (const field of REQUIRED[form.type]) if (!form[field].trim()) errors[at(field)] = 'assets.validation.required';

  if (form.type === 'INDIVIDUAL') {
    const tc = form.tcIdNo.trim();
    if (tc && tc !== stored.tcIdNo && !isValidTcIdNo(tc)) errors[at('tcIdNo')] = 'assets.validation.tcIdNo';
  } else {
    const tax = form.taxId.trim();
    if (tax && tax !== stored.taxId && !isValidTaxId(tax)) errors[at('taxId')] = 'assets.validation.taxId';
    checkPerson(form.contact, (f) => at(`contact.${f}`), errors, {
      nameRequired: true,
      surnameRequired: true,
      storedTc: stored.contactTcIdNo,
    });
  }
  if (form.phone.trim() && !PHONE_REGEX.test(normalizePhone(form.phone))) errors[at('phone')] = 'assets.validation.phone';
  if (form.email.trim() && !EMAIL.test(form.email.trim())) errors[at('email')] = 'assets.validation.email';
  if (form.withAddress || options.addressRequired)
    Object.assign(errors, validateAddress(form.address, at('address'), { required: options.addressRequired }));

  if (options.withContacts !== false) {
    form.contacts.forEach((c, i) => {
      const storedTc = c.id ? stored.contactTcIdNos?.[c.id] : undefined;
      checkPerson(c, (f) => at(`contacts.${i}.${f}`), errors, { nameRequired: true, surnameRequired: false, storedTc });
      if (c.withAddress) Object.assign(errors, validateAddress(c.address, at(`contacts.${i}.address`)));
    });
  }
  return errors;
}

type Body = Record<string, unknown>;

/** Trimmed text, or undefined (create: leave it out) / null (update: clear it) when blank. */
function text(value: string, blank: undefined | null): string | undefined | null {
  const t = value.trim();
  return t ? t : blank;
}

function put(body: Body, key: string, value: unknown) {
  if (value !== undefined) body[key] = value;
}

export function contactPayload(c: ContactForm, mode: 'create' | 'update'): Body {
  const blank = mode === 'create' ? undefined : null;
  const body: Body = { name: c.name.trim() };
  put(body, 'surname', text(c.surname, blank));
  put(body, 'tcIdNo', text(c.tcIdNo, blank));
  put(body, 'phone', c.phone.trim() ? normalizePhone(c.phone) : blank);
  put(body, 'email', text(c.email, blank));
  put(body, 'details', text(c.details, blank));
  const address: AddressInput | null = c.withAddress ? addressPayload(c.address) : null;
  if (address) body.address = address;
  else if (mode === 'update') body.addressId = null;
  return body;
}

function primaryContactPayload(p: PersonForm, mode: 'create' | 'update'): Body {
  const blank = mode === 'create' ? undefined : null;
  const body: Body = { name: p.name.trim(), surname: p.surname.trim() };
  put(body, 'tcIdNo', text(p.tcIdNo, blank));
  put(body, 'phone', p.phone.trim() ? normalizePhone(p.phone) : blank);
  put(body, 'email', text(p.email, blank));
  return body;
}

/**
 * The fields of the form's type, as POST /customers (plus tenantId and type) and the subscription form's
 * `customer` object take them. New extra contacts go along on create; on update they have their own routes.
 * `address`: 'include' sends the typed address, 'omit' leaves the stored one as it is.
 */
export function customerPayload(form: CustomerForm, mode: 'create' | 'update', options: { address?: 'include' | 'omit' } = {}): Body {
  const blank = mode === 'create' ? undefined : null;
  const body: Body = {};
  if (form.type === 'INDIVIDUAL') {
    body.name = form.name.trim();
    body.surname = form.surname.trim();
    body.tcIdNo = form.tcIdNo.trim();
  } else {
    body.organizationName = form.organizationName.trim();
    body.taxId = form.taxId.trim();
    put(body, 'taxOffice', text(form.taxOffice, blank));
    body.contact = primaryContactPayload(form.contact, mode);
  }
  put(body, 'phone', form.phone.trim() ? normalizePhone(form.phone) : blank);
  put(body, 'email', text(form.email, blank));
  if (options.address !== 'omit') {
    const address = form.withAddress ? addressPayload(form.address) : null;
    if (address) body.address = address;
    else if (mode === 'update') body.addressId = null;
  }
  if (mode === 'create') {
    const contacts = form.contacts.map((c) => contactPayload(c, 'create'));
    if (contacts.length) body.contacts = contacts;
  }
  return body;
}
