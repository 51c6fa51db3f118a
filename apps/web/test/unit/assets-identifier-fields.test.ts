import type { IdentifierField } from '~/lib/identifier-fields';
import { describe, expect, it } from 'vitest';
import {
  identifierMaxLength,
  identifierProblem,
  identifierProblems,
  identifiersPayload,
  identifierValuesFrom,
  storedSecretKeys,
  uniqueFields,
} from '~/lib/identifier-fields';

function field(over: Partial<IdentifierField>): IdentifierField {
  return {
    id: over.key ?? 'id',
    technologyId: 't',
    technologyCode: 'LORAWAN',
    technologyName: 'LoRaWAN',
    key: 'DevEUI',
    label: 'DevEUI',
    labelEn: null,
    valueType: 'HEX',
    length: 16,
    regex: '^[a-fA-F0-9]{16}$',
    isRequired: true,
    isSecret: false,
    isUnique: true,
    sortOrder: 1,
    ...over,
  };
}

const devEui = field({});
const joinEui = field({ key: 'JoinEUI', label: 'JoinEUI', isUnique: false, sortOrder: 2 });
const appKey = field({
  key: 'AppKey',
  label: 'AppKey',
  labelEn: null,
  length: 32,
  regex: '^[a-fA-F0-9]{32}$',
  isSecret: true,
  isUnique: false,
  sortOrder: 3,
});
const imei = field({ key: 'IMEI', valueType: 'DIGITS', length: 15, regex: '^[0-9]{15}$', technologyCode: 'NBIOT' });
const lorawan = [appKey, devEui, joinEui];

describe('identifierProblem', () => {
  it('accepts 16 hex characters for DevEUI, in either case', () => {
    expect(identifierProblem(devEui, '70B3D57ED0000001')).toBeNull();
    expect(identifierProblem(devEui, '70b3d57ed0000001')).toBeNull();
  });

  it('reports a hex problem with the expected length while the value is short or not hex', () => {
    expect(identifierProblem(devEui, '70B3D57E')).toEqual({ kind: 'hex', length: 16 });
    expect(identifierProblem(devEui, '70B3D57ED000000G')).toEqual({ kind: 'hex', length: 16 });
    expect(identifierProblem(appKey, 'ab'.repeat(15))).toEqual({ kind: 'hex', length: 32 });
  });

  it('requires a required field, but not an optional one', () => {
    expect(identifierProblem(devEui, '  ')).toEqual({ kind: 'required' });
    expect(identifierProblem({ ...devEui, isRequired: false }, '')).toBeNull();
  });

  it('lets a stored secret stay blank on edit', () => {
    expect(identifierProblem(appKey, '', { storedSecret: true })).toBeNull();
    expect(identifierProblem(appKey, '')).toEqual({ kind: 'required' });
  });

  it('checks the IMEI check digit after its format', () => {
    expect(identifierProblem(imei, '490154203237518')).toBeNull();
    expect(identifierProblem(imei, '490154203237519')).toEqual({ kind: 'luhn' });
    expect(identifierProblem(imei, '49015420323751')).toEqual({ kind: 'digits', length: 15 });
  });

  it('leaves a pattern JavaScript cannot compile to the API', () => {
    expect(identifierProblem(field({ regex: '(?<', valueType: 'TEXT' }), 'anything')).toBeNull();
  });
});

describe('identifierProblems', () => {
  it('keys problems by field and skips fields that are fine', () => {
    const problems = identifierProblems(lorawan, { DevEUI: '70B3D57ED0000001', JoinEUI: '12', AppKey: '' });
    expect(problems).toEqual({ JoinEUI: { kind: 'hex', length: 16 }, AppKey: { kind: 'required' } });
    expect(identifierProblems(lorawan, { DevEUI: '70B3D57ED0000001', JoinEUI: '0000000000000000' }, new Set(['AppKey']))).toEqual({});
  });
});

describe('identifiersPayload', () => {
  const values = { DevEUI: ' 70B3D57ED0000001 ', JoinEUI: '', AppKey: '', Stale: 'x' };

  it("sends trimmed values of the profile's fields and leaves blanks out on create", () => {
    expect(identifiersPayload(lorawan, values, 'create')).toEqual({ DevEUI: '70B3D57ED0000001' });
  });

  it('on update clears a blank plain field and keeps a blank secret by leaving it out', () => {
    expect(identifiersPayload(lorawan, values, 'update')).toEqual({ DevEUI: '70B3D57ED0000001', JoinEUI: null });
  });
});

describe('stored identifiers', () => {
  const stored = {
    DevEUI: {
      label: 'DevEUI',
      labelEn: null,
      technology: 'LORAWAN',
      value: '70B3D57ED0000001',
      hasValue: true,
      isSecret: false,
      isRequired: true,
      isUnique: true,
    },
    AppKey: {
      label: 'AppKey',
      labelEn: null,
      technology: 'LORAWAN',
      value: '••••••••••••ABCD',
      hasValue: true,
      isSecret: true,
      isRequired: true,
      isUnique: false,
    },
  };

  it('never puts a masked secret back into the form', () => {
    expect(identifierValuesFrom(stored)).toEqual({ DevEUI: '70B3D57ED0000001', AppKey: '' });
    expect([...storedSecretKeys(stored)]).toEqual(['AppKey']);
  });
});

describe('field order and limits', () => {
  it('orders by sortOrder and asks a key shared by two technologies once', () => {
    const dup = field({ key: 'DevEUI', technologyCode: 'MIOTY', sortOrder: 9 });
    expect(uniqueFields([joinEui, dup, devEui]).map((f) => f.key)).toEqual(['DevEUI', 'JoinEUI']);
  });

  it('limits typing to the fixed length', () => {
    expect(identifierMaxLength(appKey)).toBe(32);
    expect(identifierMaxLength(field({ valueType: 'MAC', length: null }))).toBe(17);
    expect(identifierMaxLength(field({ valueType: 'DIGITS', length: null }))).toBeUndefined();
  });
});
