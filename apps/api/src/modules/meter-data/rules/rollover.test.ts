import { describe, expect, it } from 'vitest';
import { registerCapacity, rolloverConsumption } from './rollover';
import { params } from './rules.fixtures';

describe('rollover', () => {
  const p = params().rollover;
  it('counts the water across the wrap of a 5-digit register', () => {
    expect(rolloverConsumption(99_998.5, 1.25, 100_000, p)).toBe(2.75);
  });
  it('takes a drop to a high index for no rollover (too much water across the wrap)', () => {
    // 100,000 − 99,998.5 + 50,000 = 50,001.5 m³: half the register, not a wrap.
    expect(rolloverConsumption(99_998.5, 50_000, 100_000, p)).toBeNull();
  });
  it('is no rollover when the previous index is beyond the capacity or the rule is off', () => {
    expect(rolloverConsumption(120_000, 5, 100_000, p)).toBeNull();
    expect(rolloverConsumption(99_998.5, 1.25, 100_000, { ...p, enabled: false })).toBeNull();
    expect(rolloverConsumption(10, 12, 100_000, p)).toBeNull();
  });
  it("uses the profile's capacity, else the tenant default", () => {
    expect(registerCapacity(10_000, p)).toBe(10_000);
    expect(registerCapacity(null, p)).toBe(100_000);
  });
});
