import { describe, expect, it } from 'vitest';
import { CreateDeviceProfileSchema, CreateScenarioSchema } from './device-profiles.dto';
import { flowOrderIssue, UpdateMeterProfileSchema } from './meter-profiles.dto';

describe('flow rate order', () => {
  it('reports the first rate below the one before it, skipping rates not given', () => {
    expect(flowOrderIssue({ q1: 0.016, q2: 0.025, q3: 2.5, q4: 3.125 })).toBeNull();
    expect(flowOrderIssue({ q1: 0.025, q2: 0.025, q3: 2.5, q4: 2.5 })).toBeNull();
    expect(flowOrderIssue({ q1: 0.04, q2: 0.025 })?.path).toEqual(['q2']);
    expect(flowOrderIssue({ q1: 3, q3: 2.5 })?.path).toEqual(['q3']);
    expect(flowOrderIssue({ q4: 1 })).toBeNull();
    // Checked against stored rates, the changed one is blamed.
    expect(flowOrderIssue({ q1: 0.025, q2: 3, q3: 2.5, q4: 3.125 }, new Set(['q2']))).toEqual({
      path: ['q2'],
      message: 'must be at most Q3 (2.5)',
    });
  });
  it('is checked on partial updates among the rates given', () => {
    const res = UpdateMeterProfileSchema.safeParse({ q3: 4, q4: 3 });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0].path).toEqual(['q4']);
  });
});

describe('device profile', () => {
  it('has a battery life only with a communication module', () => {
    const base = { brandId: '5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b', modelCode: 'X' };
    expect(CreateDeviceProfileSchema.safeParse({ ...base, batteryLifeMonths: 120 }).success).toBe(true);
    const none = CreateDeviceProfileSchema.safeParse({ ...base, communicationModule: 'NONE', batteryLifeMonths: 120 });
    expect(none.error?.issues[0].path).toEqual(['batteryLifeMonths']);
  });
});

describe('message scenario decoder', () => {
  const base = { name: 'Index', technologyId: '5b0a3f0e-7c1d-4e8a-9f2b-1c3d4e5f6a7b' };
  it('must define decodeUplink and stay within 64 KB (counted in bytes)', () => {
    expect(CreateScenarioSchema.safeParse({ ...base, decoderSource: 'function decodeUplink(input) { return {}; }' }).success).toBe(true);
    expect(CreateScenarioSchema.safeParse({ ...base, decoderSource: 'function decode(input) {}' }).success).toBe(false);
    expect(CreateScenarioSchema.safeParse({ ...base, decoderSource: `function decodeUplink(){}//${'ş'.repeat(33_000)}` }).success).toBe(
      false,
    );
  });
});
