import type { AddressView } from '~/lib/address-form';
import type { ApiBody } from '~/lib/api-client';
import type { ContactForm, CustomerForm, CustomerType, StoredIdentity } from '~/lib/customer-fields';
import { addressFormFrom, emptyAddress, sameAddress } from '~/lib/address-form';
import { contactPayload, emptyPerson } from '~/lib/customer-fields';

/** The customer form (brief 2.4.3) loaded from a stored customer, and the contact changes an edit makes. */
export interface ContactView {
  id: string;
  name: string;
  surname: string | null;
  tcIdNo: string | null;
  phone: string | null;
  email: string | null;
  details: string | null;
  isPrimary: boolean;
  address: AddressView | null;
}

export interface CustomerDetailLike {
  type: CustomerType;
  name: string | null;
  surname: string | null;
  tcIdNo: string | null;
  organizationName: string | null;
  taxId: string | null;
  taxOffice: string | null;
  phone: string | null;
  email: string | null;
  address: AddressView | null;
  contact: ContactView | null;
  contacts: ContactView[];
}

const text = (v: string | null | undefined) => v ?? '';

export function contactFormFrom(c: ContactView): ContactForm {
  return {
    id: c.id,
    name: c.name,
    surname: text(c.surname),
    tcIdNo: text(c.tcIdNo),
    phone: text(c.phone),
    email: text(c.email),
    details: text(c.details),
    withAddress: !!c.address,
    address: c.address ? addressFormFrom(c.address) : emptyAddress(),
  };
}

export function customerFormFrom(c: CustomerDetailLike): CustomerForm {
  return {
    type: c.type,
    name: text(c.name),
    surname: text(c.surname),
    tcIdNo: text(c.tcIdNo),
    organizationName: text(c.organizationName),
    taxId: text(c.taxId),
    taxOffice: text(c.taxOffice),
    phone: text(c.phone),
    email: text(c.email),
    contact: c.contact
      ? {
          name: c.contact.name,
          surname: text(c.contact.surname),
          tcIdNo: text(c.contact.tcIdNo),
          phone: text(c.contact.phone),
          email: text(c.contact.email),
          details: text(c.contact.details),
        }
      : emptyPerson(),
    withAddress: !!c.address,
    address: addressFormFrom(c.address),
    contacts: c.contacts.map(contactFormFrom),
  };
}

/** Stored identity numbers that stay accepted unchanged (legacy values that fail the checksum). */
export function storedIdentity(c: CustomerDetailLike): StoredIdentity {
  return {
    tcIdNo: c.tcIdNo,
    taxId: c.taxId,
    contactTcIdNo: c.contact?.tcIdNo ?? null,
    contactTcIdNos: Object.fromEntries(c.contacts.map((k) => [k.id, k.tcIdNo])),
  };
}

/** Whether the customer's own address changed (then it is sent; otherwise the stored one is left alone). */
export function addressChanged(form: CustomerForm, initial: CustomerForm): boolean {
  return form.withAddress !== initial.withAddress || (form.withAddress && !sameAddress(form.address, initial.address));
}

type CreateContactBody = ApiBody<'/api/customers/{id}/contacts', 'post'>;
type UpdateContactBody = ApiBody<'/api/customers/{id}/contacts/{contactId}', 'patch'>;

export type ContactChange =
  | { kind: 'create'; index: number; body: CreateContactBody }
  | { kind: 'update'; index: number; id: string; body: UpdateContactBody }
  | { kind: 'delete'; id: string };

/** The extra contacts' own requests after the customer itself is saved: new ones added, changed ones patched, removed ones deleted. */
export function contactChanges(form: CustomerForm, initial: CustomerForm): ContactChange[] {
  const before = new Map(initial.contacts.filter((c) => c.id).map((c) => [c.id!, c]));
  const changes: ContactChange[] = [];
  form.contacts.forEach((c, index) => {
    // contactPayload builds a loose record (lib/customer-fields); it sets `name` and only the contact fields of these bodies.
    if (!c.id) changes.push({ kind: 'create', index, body: contactPayload(c, 'create') as CreateContactBody });
    else if (JSON.stringify(c) !== JSON.stringify(before.get(c.id)))
      changes.push({ kind: 'update', index, id: c.id, body: contactPayload(c, 'update') as UpdateContactBody });
  });
  const kept = new Set(form.contacts.map((c) => c.id).filter(Boolean));
  for (const id of before.keys()) if (!kept.has(id)) changes.push({ kind: 'delete', id });
  return changes;
}

/** A contact route answers with paths inside the contact; the form shows them under "contacts.<index>". */
export function prefixErrorPaths(error: unknown, prefix: (string | number)[]): void {
  const details = (error as { data?: { details?: { path: (string | number)[] | string }[] } } | null)?.data?.details;
  for (const detail of details ?? [])
    detail.path = [...prefix, ...(Array.isArray(detail.path) ? detail.path : String(detail.path).split('.'))];
}
