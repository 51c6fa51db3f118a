import { describe, expect, it } from 'vitest';
import {
  contactPayload,
  customerFields,
  customerPayload,
  emptyContact,
  emptyCustomer,
  hasContactPerson,
  normalizePhone,
  validateCustomer,
} from '~/lib/customer-fields';
import { createSubscriptionPayload, emptySubscriptionForm, validateSubscriptionForm } from '~/lib/subscription-form';

// 10000000146 passes both TC check digits; 12345678901 (a seeded user's) does not.
const VALID_TC = '10000000146';
const VALID_VKN = '1234567890';

function individual() {
  return { ...emptyCustomer('INDIVIDUAL'), name: 'Ayşe', surname: 'Yılmaz', tcIdNo: VALID_TC };
}
function organization() {
  return {
    ...emptyCustomer('ORGANIZATIONAL'),
    organizationName: 'Ankara Un A.Ş.',
    taxId: VALID_VKN,
    taxOffice: 'Çankaya',
    contact: { name: 'Mehmet', surname: 'Kaya', tcIdNo: '', phone: '0532 123 45 67', email: 'mehmet@example.com', details: '' },
  };
}

describe('fields by type', () => {
  it('asks an individual for name, surname and TC ID No, an organisation for its name, tax id and office', () => {
    expect(customerFields('INDIVIDUAL')).toEqual(['name', 'surname', 'tcIdNo', 'phone', 'email']);
    expect(customerFields('ORGANIZATIONAL')).toEqual(['organizationName', 'taxId', 'taxOffice', 'phone', 'email']);
    expect(hasContactPerson('INDIVIDUAL')).toBe(false);
    expect(hasContactPerson('ORGANIZATIONAL')).toBe(true);
  });

  it('sends only the fields of the current type after switching back and forth', () => {
    const form = { ...individual(), organizationName: 'left over', taxId: VALID_VKN };
    expect(customerPayload(form, 'create')).toEqual({ name: 'Ayşe', surname: 'Yılmaz', tcIdNo: VALID_TC });
    const switched = { ...form, type: 'ORGANIZATIONAL' as const, contact: organization().contact };
    const body = customerPayload(switched, 'create');
    expect(body).toEqual({
      organizationName: 'left over',
      taxId: VALID_VKN,
      contact: { name: 'Mehmet', surname: 'Kaya', phone: '+905321234567', email: 'mehmet@example.com' },
    });
    expect(body).not.toHaveProperty('tcIdNo');
  });

  it('requires the fields of the current type only', () => {
    expect(validateCustomer(emptyCustomer('INDIVIDUAL'))).toEqual({
      name: 'assets.validation.required',
      surname: 'assets.validation.required',
      tcIdNo: 'assets.validation.required',
    });
    expect(validateCustomer(emptyCustomer('ORGANIZATIONAL'), { prefix: 'customer' })).toEqual({
      'customer.organizationName': 'assets.validation.required',
      'customer.taxId': 'assets.validation.required',
      'customer.contact.name': 'assets.validation.required',
      'customer.contact.surname': 'assets.validation.required',
    });
  });
});

describe('identity checks', () => {
  it('checks the TC ID No checksum inline', () => {
    expect(validateCustomer(individual())).toEqual({});
    expect(validateCustomer({ ...individual(), tcIdNo: '12345678901' })).toEqual({ tcIdNo: 'assets.validation.tcIdNo' });
  });

  it('accepts a stored TC ID No that predates the checksum rule when it is left unchanged', () => {
    expect(validateCustomer({ ...individual(), tcIdNo: '12345678901' }, { stored: { tcIdNo: '12345678901' } })).toEqual({});
  });

  it("checks the tax id and the contact person's phone and email", () => {
    const bad = { ...organization(), taxId: '1234567891', contact: { ...organization().contact, phone: '12', email: 'nope' } };
    expect(validateCustomer(bad)).toEqual({
      taxId: 'assets.validation.taxId',
      'contact.phone': 'assets.validation.phone',
      'contact.email': 'assets.validation.email',
    });
  });

  it('checks extra contacts by their index', () => {
    const form = { ...individual(), contacts: [{ ...emptyContact(), name: '', tcIdNo: '11111111111' }] };
    expect(validateCustomer(form)).toEqual({
      'contacts.0.name': 'assets.validation.required',
      'contacts.0.tcIdNo': 'assets.validation.tcIdNo',
    });
  });
});

describe('phones and payloads', () => {
  it('writes Turkish numbers in E.164', () => {
    expect(normalizePhone('0532 123 45 67')).toBe('+905321234567');
    expect(normalizePhone('532-123-4567')).toBe('+905321234567');
    expect(normalizePhone('+90 (532) 123 45 67')).toBe('+905321234567');
    expect(normalizePhone('0049 30 1234567')).toBe('+49301234567');
  });

  it('clears blank optional fields on update and leaves them out on create', () => {
    expect(customerPayload(individual(), 'update', { address: 'omit' })).toEqual({
      name: 'Ayşe',
      surname: 'Yılmaz',
      tcIdNo: VALID_TC,
      phone: null,
      email: null,
    });
    const contact = { ...emptyContact(), name: 'Ali', withAddress: true, address: { ...emptyContact().address, city: 'Ankara' } };
    expect(contactPayload(contact, 'create')).toMatchObject({ name: 'Ali', address: { city: 'Ankara', street: null } });
    expect(contactPayload({ ...contact, withAddress: false }, 'update')).toMatchObject({ name: 'Ali', surname: null, addressId: null });
  });
});

describe('subscription form with an inline customer', () => {
  const base = {
    ...emptySubscriptionForm('t1', 'g1'),
    subscriptionNo: 'ASK-1',
    address: { ...emptySubscriptionForm().address, city: 'Ankara', district: 'Çankaya' },
    customerMode: 'new' as const,
  };

  it('follows the subscription type when it switches', () => {
    const form = {
      ...base,
      type: 'ORGANIZATIONAL' as const,
      customer: { ...individual(), ...organization(), type: 'INDIVIDUAL' as const },
    };
    expect(validateSubscriptionForm(form, 'Europe/Istanbul', 'create')).toEqual({});
    const body = createSubscriptionPayload(form, 'Europe/Istanbul');
    expect(body.customer).toMatchObject({ organizationName: 'Ankara Un A.Ş.', address: { city: 'Ankara', district: 'Çankaya' } });
    expect(body.customer).not.toHaveProperty('tcIdNo');
    expect(body).not.toHaveProperty('customerId');
  });

  it('puts the new customer\'s problems under "customer." and needs an existing customer otherwise', () => {
    expect(
      validateSubscriptionForm({ ...base, customer: { ...individual(), tcIdNo: '12345678901' } }, 'Europe/Istanbul', 'create'),
    ).toEqual({ 'customer.tcIdNo': 'assets.validation.tcIdNo' });
    expect(validateSubscriptionForm({ ...base, customerMode: 'existing' }, 'Europe/Istanbul', 'create')).toEqual({
      customerId: 'assets.validation.required',
    });
  });

  it("sends the meter's start in the tenant's zone only with a meter", () => {
    const withMeter = {
      ...base,
      customerMode: 'existing' as const,
      customerId: 'c1',
      meterId: 'm1',
      meterStartedAt: '01.12.2025 10:00:00',
      initialIndex: '3,250',
    };
    expect(createSubscriptionPayload(withMeter, 'Europe/Istanbul')).toMatchObject({
      customerId: 'c1',
      meterId: 'm1',
      meterStartedAt: '2025-12-01T07:00:00.000Z',
      initialIndexM3: 3.25,
    });
    expect(createSubscriptionPayload({ ...withMeter, meterId: null }, 'Europe/Istanbul')).not.toHaveProperty('meterStartedAt');
  });
});
