import { describe, expect, it } from 'vitest';
import * as Db from '@water/db';
import { CreateSubscriptionGroupSchema, ENUMS, IDENTIFIER_VALUE_TYPES, identifierRegex } from './definitions.dto';

describe('fixed lists', () => {
  it('match the database enums one to one', () => {
    const values = (e: Record<string, string>) => Object.values(e);
    expect(ENUMS.subscriptionTypes).toEqual(values(Db.SubscriptionType));
    expect(ENUMS.meterTypes).toEqual(values(Db.MeterType));
    expect(ENUMS.dialTypes).toEqual(values(Db.DialType));
    expect(ENUMS.temperatureTypes).toEqual(values(Db.TemperatureType));
    expect(ENUMS.mountingTypes).toEqual(values(Db.MountingType));
    expect(ENUMS.connectionTypes).toEqual(values(Db.ConnectionType));
    expect(ENUMS.meterStatuses).toEqual(values(Db.AssetStatus));
    expect(ENUMS.communicationModules).toEqual(values(Db.CommunicationModule));
    expect(ENUMS.valveStates).toEqual(values(Db.ValveState));
    expect(ENUMS.alarmTypes).toEqual(values(Db.AlarmType));
    expect([...IDENTIFIER_VALUE_TYPES]).toEqual(values(Db.IdentifierValueType));
  });
});

describe('identifier patterns', () => {
  it('accept anchored patterns that compile', () => {
    for (const p of ['^[a-fA-F0-9]{16}$', '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$', '^89[0-9]{17,18}$', '^a\\\\$']) {
      expect(identifierRegex.safeParse(p).success, p).toBe(true);
    }
  });
  it('refuse unanchored, escaped-anchor and broken patterns', () => {
    for (const p of ['[0-9]{8}', '^[0-9]{8}', '[0-9]{8}$', '^[0-9]{8}\\$', '^[a-f$', '^(]$']) {
      expect(identifierRegex.safeParse(p).success, p).toBe(false);
    }
  });
});

describe('subscription group threshold', () => {
  it('is positive with at most three decimals', () => {
    const parse = (dailyThresholdM3: unknown) =>
      CreateSubscriptionGroupSchema.safeParse({ code: 'NORMAL', name: 'Normal', dailyThresholdM3 }).success;
    expect(parse(1.5)).toBe(true);
    expect(parse(0.001)).toBe(true);
    expect(parse(0.1 + 0.2)).toBe(true);
    expect(parse(0)).toBe(false);
    expect(parse(0.0005)).toBe(false);
    expect(parse(1e10)).toBe(false);
  });
});
