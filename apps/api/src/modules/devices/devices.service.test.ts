import { describe, expect, it } from 'vitest';
import { BadInputException } from '../../core/http/errors';
import type { IdentifierField } from './devices.repository';
import { planIdentifiers } from './devices.service';

const field = (key: string, regex: string, flags: Partial<IdentifierField> = {}): IdentifierField => ({
  id: key,
  key,
  label: key,
  labelEn: null,
  valueType: 'HEX',
  length: null,
  regex,
  isRequired: true,
  isSecret: false,
  isUnique: false,
  technologyCode: 'LORAWAN',
  ...flags,
});
const LORAWAN = [
  field('DevEUI', '^[a-fA-F0-9]{16}$', { length: 16, isUnique: true }),
  field('JoinEUI', '^[a-fA-F0-9]{16}$', { length: 16 }),
  field('AppKey', '^[a-fA-F0-9]{32}$', { length: 32, isSecret: true }),
];
const NBIOT = [
  field('IMEI', '^[0-9]{15}$', { valueType: 'DIGITS', length: 15, isUnique: true }),
  field('IMSI', '^[0-9]{6,15}$', { valueType: 'DIGITS', isRequired: false }),
];
const valid = { DevEUI: '70B3D5E75E000001', JoinEUI: '70B3D57ED0019A11', AppKey: '00112233445566778899AABBCCDDEEFF' };

function details(run: () => unknown) {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BadInputException);
    return (e as BadInputException).getResponse() as { details: Array<{ path: unknown[]; message: string }> };
  }
  throw new Error('expected a BadInputException');
}

describe('planIdentifiers', () => {
  it('accepts the profile’s fields and reports every problem with its path', () => {
    expect(Object.fromEntries(planIdentifiers(LORAWAN, valid, new Map(), ['identifiers']))).toEqual(valid);
    const res = details(() => planIdentifiers(LORAWAN, { DevEUI: 'xyz', IMEI: '1', JoinEUI: valid.JoinEUI }, new Map(), ['identifiers']));
    expect(res.details).toEqual([
      { path: ['identifiers', 'IMEI'], message: 'not a field of this device profile (expected DevEUI, JoinEUI, AppKey)' },
      { path: ['identifiers', 'DevEUI'], message: 'must be 16 hexadecimal characters' },
      { path: ['identifiers', 'AppKey'], message: 'required', code: 'required' },
    ]);
  });

  it('keeps current values where the request is silent, and secrets left empty or sent back masked', () => {
    const current = new Map(Object.entries(valid));
    expect(planIdentifiers(LORAWAN, { JoinEUI: '0018B24441524632' }, current, []).get('AppKey')).toBe(valid.AppKey);
    expect(planIdentifiers(LORAWAN, { AppKey: '••••••••••••EEFF' }, current, []).get('AppKey')).toBe(valid.AppKey);
    expect(planIdentifiers(LORAWAN, { AppKey: '' }, current, []).get('AppKey')).toBe(valid.AppKey);
    expect(details(() => planIdentifiers(LORAWAN, { DevEUI: null }, current, [])).details[0]).toEqual({
      path: ['DevEUI'],
      message: 'required',
      code: 'required',
    });
  });

  it('clears optional fields with null and checks the IMEI Luhn digit', () => {
    const current = new Map([
      ['IMEI', '490154203237518'],
      ['IMSI', '286011234567890'],
    ]);
    expect(planIdentifiers(NBIOT, { IMSI: null }, current, []).has('IMSI')).toBe(false);
    expect(details(() => planIdentifiers(NBIOT, { IMEI: '490154203237519' }, current, [])).details[0].message).toMatch(/Luhn/);
  });
});
