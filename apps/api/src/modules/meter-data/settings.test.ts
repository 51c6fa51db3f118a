import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, MeterDataParamsSchema, resolveParams } from './settings';

describe('meter data settings', () => {
  it('are the defaults without rows, and the defaults are valid', () => {
    expect(resolveParams([], null)).toEqual(DEFAULT_PARAMS);
    expect(MeterDataParamsSchema.parse(DEFAULT_PARAMS)).toEqual(DEFAULT_PARAMS);
  });
  it('inherit down the tenant tree and let a subscription group override the tenant', () => {
    const rows = [
      { depth: 2, subscriptionGroupId: null, params: { spike: { factor: 8 } } },
      { depth: 1, subscriptionGroupId: null, params: { spike: { factor: 5, minimumM3: 1 }, stuck: { days: 3 } } },
      { depth: 1, subscriptionGroupId: 'high', params: { spike: { factor: 20 } } },
    ];
    const tenant = resolveParams(rows, null);
    expect(tenant.spike).toMatchObject({ factor: 8, minimumM3: 1 });
    expect(tenant.stuck.days).toBe(3);
    expect(resolveParams(rows, 'high').spike.factor).toBe(20);
    expect(resolveParams(rows, 'other').spike.factor).toBe(8);
  });
  it('ignore stored keys that are unknown or of the wrong type', () => {
    const rows = [{ depth: 1, subscriptionGroupId: null, params: { spike: { factor: 'x', bogus: 1 }, nope: {} } as never }];
    expect(resolveParams(rows, null)).toEqual(DEFAULT_PARAMS);
  });
});
