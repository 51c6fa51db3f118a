import { describe, expect, it } from 'vitest';
import { addressFormFrom, addressLine, addressPayload, emptyAddress, validateAddress } from '~/lib/address-form';
import { apiMessageKey, assetFailureMessage } from '~/lib/asset-errors';
import { parseIndexM3 } from '~/lib/asset-number';
import { emptyContact } from '~/lib/customer-fields';
import { contactChanges, customerFormFrom, prefixErrorPaths } from '~/lib/customer-form';
import { createDevicePayload, updateDevicePayload } from '~/lib/device-form';
import { emptyMeterForm, meterFormFrom, updateMeterPayload } from '~/lib/meter-form';
import { changeMeterPayload, validateChangeMeter } from '~/lib/subscription-form';

const texts = { unavailable: 'U', forbidden: 'F', notFound: 'N', conflict: 'C', invalid: 'I', other: 'O' };

describe('addresses', () => {
  it('sends nothing for a blank address and numbers for coordinates typed with a comma', () => {
    expect(addressPayload(emptyAddress())).toBeNull();
    expect(addressPayload({ ...emptyAddress(), city: ' Ankara ', latitude: '39,97', longitude: '32.58' })).toMatchObject({
      city: 'Ankara',
      latitude: 39.97,
      longitude: 32.58,
      street: null,
    });
  });

  it('checks postal and UAVT codes and that coordinates come in pairs', () => {
    expect(validateAddress({ ...emptyAddress(), postalCode: '0693', latitude: '39.9' }, 'address')).toEqual({
      'address.postalCode': 'assets.validation.postalCode',
      'address.longitude': 'assets.validation.coordinatesTogether',
    });
    expect(validateAddress(emptyAddress(), 'address', { required: true })).toEqual({ 'address.city': 'assets.validation.addressRequired' });
  });

  it("writes one line as the API's list rows do", () => {
    const view = {
      ...addressFormFrom(null),
      id: 'a',
      neighborhood: 'Etlik Mahallesi',
      street: 'Akasya Sokak',
      buildingNo: '6',
      doorNo: '22',
      district: 'Keçiören',
      city: 'Ankara',
    };
    expect(addressLine(view)).toBe('Etlik Mahallesi, Akasya Sokak No: 6/22, Keçiören/Ankara');
  });
});

describe('indexes', () => {
  it('accepts m³ with up to three decimals, with a comma or a dot', () => {
    expect(parseIndexM3('12,345')).toBe(12.345);
    expect(parseIndexM3('0')).toBe(0);
    expect(parseIndexM3('1.2345')).toBeNull();
    expect(parseIndexM3('-1')).toBeNull();
    expect(parseIndexM3('abc')).toBeNull();
  });
});

describe('meter edit payload', () => {
  const detail = {
    tenantId: 't',
    timeZone: 'Europe/Istanbul',
    serialNo: 'SN',
    status: 'ACTIVE' as const,
    initialIndexM3: 1,
    installedAt: null,
    hasValve: true,
    valveState: 'OPEN' as const,
    profile: { id: 'p' },
    communicationModule: { override: 'NONE' as const },
    device: { id: 'd1' },
    subscription: { id: 's1' },
  };

  it('leaves the device and the subscription alone when they did not change', () => {
    const initial = meterFormFrom(detail);
    const body = updateMeterPayload({ ...initial, status: 'MAINTENANCE' }, initial, 'Europe/Istanbul', []);
    expect(body).toEqual({
      meterProfileId: 'p',
      serialNo: 'SN',
      initialIndexM3: 1,
      installedAt: null,
      status: 'MAINTENANCE',
      communicationModule: 'NONE',
      hasValve: true,
      valveState: 'OPEN',
    });
  });

  it('detaches the device with "none" and drops the valve state without a valve', () => {
    const initial = meterFormFrom(detail);
    const body = updateMeterPayload(
      { ...initial, deviceMode: 'none', deviceId: null, subscriptionId: null, hasValve: false },
      initial,
      'Europe/Istanbul',
      [],
    );
    expect(body).toMatchObject({ device: { mode: 'none' }, subscriptionId: null, hasValve: false, valveState: null });
    expect(emptyMeterForm().deviceMode).toBe('none');
  });
});

describe('device payloads', () => {
  const fields = [
    {
      id: '1',
      technologyId: 't',
      technologyCode: 'LORAWAN',
      technologyName: 'LoRaWAN',
      key: 'AppKey',
      label: 'AppKey',
      labelEn: null,
      valueType: 'HEX' as const,
      length: 32,
      regex: '^[a-fA-F0-9]{32}$',
      isRequired: true,
      isSecret: true,
      isUnique: false,
      sortOrder: 1,
    },
  ];
  const form = {
    tenantId: 't',
    meterId: null,
    deviceProfileId: 'p',
    serialNo: ' D1 ',
    status: 'WAREHOUSE' as const,
    identifiers: { AppKey: '' },
  };

  it('creates without a meter when none is chosen', () => {
    expect(createDevicePayload(form, fields)).toEqual({
      tenantId: 't',
      deviceProfileId: 'p',
      serialNo: 'D1',
      status: 'WAREHOUSE',
      identifiers: {},
    });
  });

  it('sends the meter only when it changed (null returns the device to the inventory)', () => {
    expect(updateDevicePayload(form, form, fields)).not.toHaveProperty('meterId');
    expect(updateDevicePayload(form, { ...form, meterId: 'm1' }, fields)).toMatchObject({ meterId: null, identifiers: {} });
  });
});

describe('meter change', () => {
  it('needs a meter to fit, and sends only what was typed', () => {
    const form = { action: 'replace' as const, meterId: null, at: '', finalIndex: '', initialIndex: '' };
    expect(validateChangeMeter(form, 'Europe/Istanbul')).toEqual({ meterId: 'assets.validation.required' });
    expect(changeMeterPayload({ ...form, meterId: 'm2', at: '01.12.2025 10:00:00', finalIndex: '10,5' }, 'Europe/Istanbul', true)).toEqual({
      meterId: 'm2',
      at: '2025-12-01T07:00:00.000Z',
      finalIndexM3: 10.5,
    });
    expect(changeMeterPayload({ ...form, action: 'remove', meterId: 'm2', initialIndex: '3' }, 'Europe/Istanbul', true)).toEqual({
      meterId: null,
    });
  });
});

describe('customer contacts on edit', () => {
  const stored = {
    type: 'INDIVIDUAL' as const,
    name: 'A',
    surname: 'B',
    tcIdNo: '10000000146',
    organizationName: null,
    taxId: null,
    taxOffice: null,
    phone: null,
    email: null,
    address: null,
    contact: null,
    contacts: [
      { id: 'c1', name: 'Ali', surname: null, tcIdNo: null, phone: null, email: null, details: null, isPrimary: false, address: null },
      { id: 'c2', name: 'Veli', surname: null, tcIdNo: null, phone: null, email: null, details: null, isPrimary: false, address: null },
    ],
  };

  it('adds new contacts, patches changed ones and deletes removed ones', () => {
    const initial = customerFormFrom(stored);
    const form = {
      ...initial,
      contacts: [
        { ...initial.contacts[0]!, phone: '0532 123 45 67' },
        { ...emptyContact(), name: 'Yeni' },
      ],
    };
    expect(contactChanges(form, initial)).toEqual([
      {
        kind: 'update',
        index: 0,
        id: 'c1',
        body: { name: 'Ali', surname: null, tcIdNo: null, phone: '+905321234567', email: null, details: null, addressId: null },
      },
      { kind: 'create', index: 1, body: { name: 'Yeni' } },
      { kind: 'delete', id: 'c2' },
    ]);
  });

  it("moves a contact route's field errors under the contact", () => {
    const error = { data: { details: [{ path: ['tcIdNo'], message: 'check digits do not match' }] } };
    prefixErrorPaths(error, ['contacts', 1]);
    expect(error.data.details[0]!.path).toEqual(['contacts', 1, 'tcIdNo']);
  });
});

describe('API refusals', () => {
  it('translates the field messages forms meet most often', () => {
    expect(apiMessageKey('already used for this brand')).toBe('assets.apiErrors.serialTaken');
    expect(apiMessageKey('something new')).toBeNull();
  });

  it('points at the fields when the API named them, else gives its explanation', () => {
    const body = (details: { path: string[]; message: string }[]) => ({
      statusCode: 409,
      error: 'Conflict',
      message: 'meter X already serves Y',
      details,
    });
    expect(assetFailureMessage({ status: 409, body: body([{ path: ['meterId'], message: 'x' }]), retryAfterSeconds: null }, texts)).toBe(
      'I',
    );
    expect(assetFailureMessage({ status: 409, body: body([]), retryAfterSeconds: null }, texts)).toBe('meter X already serves Y');
    expect(assetFailureMessage({ status: 0, body: null, retryAfterSeconds: null }, texts)).toBe('U');
    expect(assetFailureMessage(null, texts)).toBeNull();
  });
});
