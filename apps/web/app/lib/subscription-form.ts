import type { AddressForm, AddressView } from '~/lib/address-form';
import type { CustomerForm, CustomerType } from '~/lib/customer-fields';
import type { FieldErrors } from '~/lib/form-errors';
import { addressFormFrom, addressPayload, emptyAddress, sameAddress, validateAddress } from '~/lib/address-form';
import { parseIndexM3 } from '~/lib/asset-number';
import { customerPayload, emptyCustomer, validateCustomer } from '~/lib/customer-fields';
import { parseDateTimeInput } from '~/lib/date-input';

/** The subscription form (brief 2.3.3): the customer is picked or created inline, the meter is optional. */
export type CustomerMode = 'existing' | 'new';

export interface SubscriptionForm {
  tenantId: string;
  subscriptionNo: string;
  type: CustomerType;
  groupId: string;
  isActive: boolean;
  address: AddressForm;
  customerMode: CustomerMode;
  customerId: string | null;
  /** The new customer; its type always follows the subscription's. */
  customer: CustomerForm;
  /** An organisation's own address: the subscription's (default) or one typed in `customer.address`. */
  customerAddressSame: boolean;
  meterId: string | null;
  /** DD.MM.YYYY HH:mm:ss; blank means now. */
  meterStartedAt: string;
  /** Blank: the meter's last known index. */
  initialIndex: string;
}

export function emptySubscriptionForm(tenantId = '', groupId = ''): SubscriptionForm {
  return {
    tenantId,
    subscriptionNo: '',
    type: 'INDIVIDUAL',
    groupId,
    isActive: true,
    address: emptyAddress(),
    customerMode: 'existing',
    customerId: null,
    customer: emptyCustomer('INDIVIDUAL'),
    customerAddressSame: true,
    meterId: null,
    meterStartedAt: '',
    initialIndex: '',
  };
}

export interface SubscriptionDetailLike {
  tenantId: string;
  subscriptionNo: string;
  type: CustomerType;
  group: { id: string };
  isActive: boolean;
  address: AddressView | null;
  customer: { id: string };
  meter: { id: string } | null;
}

export function subscriptionFormFrom(s: SubscriptionDetailLike): SubscriptionForm {
  return {
    ...emptySubscriptionForm(s.tenantId, s.group.id),
    subscriptionNo: s.subscriptionNo,
    type: s.type,
    isActive: s.isActive,
    address: addressFormFrom(s.address),
    customerId: s.customer.id,
    customer: emptyCustomer(s.type),
    meterId: s.meter?.id ?? null,
  };
}

/** Problems as i18n keys by the API's paths ("customer.tcIdNo", "address.postalCode"). */
export function validateSubscriptionForm(form: SubscriptionForm, timeZone: string, mode: 'create' | 'update'): FieldErrors {
  const errors: FieldErrors = {};
  if (mode === 'create' && !form.tenantId) errors.tenantId = 'assets.validation.required';
  if (!form.subscriptionNo.trim()) errors.subscriptionNo = 'assets.validation.required';
  if (!form.groupId) errors.groupId = 'assets.validation.required';
  Object.assign(errors, validateAddress(form.address, 'address', { required: true }));
  if (form.customerMode === 'existing' || mode === 'update') {
    if (!form.customerId) errors.customerId = 'assets.validation.required';
  } else {
    const customer = { ...form.customer, type: form.type, withAddress: form.type === 'ORGANIZATIONAL' && !form.customerAddressSame };
    Object.assign(errors, validateCustomer(customer, { prefix: 'customer' }));
  }
  if (mode === 'create' && form.meterId) {
    if (form.meterStartedAt.trim()) {
      const parsed = parseDateTimeInput(form.meterStartedAt, timeZone);
      if (!parsed.ok)
        errors.meterStartedAt = parsed.problem === 'format' ? 'assets.validation.dateTimeFormat' : 'assets.validation.dateTimeImpossible';
    }
    if (form.initialIndex.trim() && parseIndexM3(form.initialIndex) === null) errors.initialIndexM3 = 'assets.validation.indexM3';
  }
  return errors;
}

/** The new customer's fields of the subscription's type; an organisation's address defaults to the subscription's. */
export function inlineCustomerPayload(form: SubscriptionForm) {
  const customer: CustomerForm = { ...form.customer, type: form.type };
  if (form.type === 'INDIVIDUAL') return customerPayload({ ...customer, withAddress: false }, 'create');
  const address = form.customerAddressSame ? form.address : form.customer.address;
  return customerPayload({ ...customer, withAddress: true, address }, 'create');
}

/** POST /api/subscriptions */
export function createSubscriptionPayload(form: SubscriptionForm, timeZone: string) {
  const started = form.meterId && form.meterStartedAt.trim() ? parseDateTimeInput(form.meterStartedAt, timeZone) : null;
  const index = form.meterId && form.initialIndex.trim() ? parseIndexM3(form.initialIndex) : null;
  return {
    tenantId: form.tenantId,
    subscriptionNo: form.subscriptionNo.trim(),
    type: form.type,
    groupId: form.groupId,
    isActive: form.isActive,
    address: addressPayload(form.address),
    ...(form.customerMode === 'existing' ? { customerId: form.customerId } : { customer: inlineCustomerPayload(form) }),
    ...(form.meterId ? { meterId: form.meterId } : {}),
    ...(started?.ok ? { meterStartedAt: started.iso } : {}),
    ...(index !== null ? { initialIndexM3: index } : {}),
  };
}

/** PATCH /api/subscriptions/:id: the address and the customer only when they changed (the meter has its own dialog). */
export function updateSubscriptionPayload(form: SubscriptionForm, initial: SubscriptionForm) {
  return {
    subscriptionNo: form.subscriptionNo.trim(),
    groupId: form.groupId,
    isActive: form.isActive,
    ...(!sameAddress(form.address, initial.address) ? { address: addressPayload(form.address) } : {}),
    ...(form.customerId && form.customerId !== initial.customerId ? { customerId: form.customerId } : {}),
  };
}

/** The meter change dialog (PUT /api/subscriptions/:id/meter): fit another meter, or take the current one off. */
export interface ChangeMeterForm {
  action: 'replace' | 'remove';
  meterId: string | null;
  /** DD.MM.YYYY HH:mm:ss; blank means now. */
  at: string;
  /** Blank: the old meter's last reading before the change. */
  finalIndex: string;
  /** Blank: the new meter's last known index. */
  initialIndex: string;
}

export function validateChangeMeter(form: ChangeMeterForm, timeZone: string): FieldErrors {
  const errors: FieldErrors = {};
  if (form.action === 'replace' && !form.meterId) errors.meterId = 'assets.validation.required';
  if (form.at.trim()) {
    const parsed = parseDateTimeInput(form.at, timeZone);
    if (!parsed.ok) errors.at = parsed.problem === 'format' ? 'assets.validation.dateTimeFormat' : 'assets.validation.dateTimeImpossible';
  }
  if (form.finalIndex.trim() && parseIndexM3(form.finalIndex) === null) errors.finalIndexM3 = 'assets.validation.indexM3';
  if (form.action === 'replace' && form.initialIndex.trim() && parseIndexM3(form.initialIndex) === null)
    errors.initialIndexM3 = 'assets.validation.indexM3';
  return errors;
}

export function changeMeterPayload(form: ChangeMeterForm, timeZone: string, hasCurrentMeter: boolean) {
  const at = form.at.trim() ? parseDateTimeInput(form.at, timeZone) : null;
  const finalIndex = hasCurrentMeter && form.finalIndex.trim() ? parseIndexM3(form.finalIndex) : null;
  const initialIndex = form.action === 'replace' && form.initialIndex.trim() ? parseIndexM3(form.initialIndex) : null;
  return {
    meterId: form.action === 'replace' ? form.meterId : null,
    ...(at?.ok ? { at: at.iso } : {}),
    ...(finalIndex !== null ? { finalIndexM3: finalIndex } : {}),
    ...(initialIndex !== null ? { initialIndexM3: initialIndex } : {}),
  };
}
