import { describe, expect, it } from 'vitest';
import { mapDecoded } from './decoded-mapping';

describe('decoded values to reading fields', () => {
  it('reads the convention keys', () => {
    expect(mapDecoded({ indexM3: 12.3456, batteryPct: 87, alarms: { tamper: true, tilt: false }, valve: 'OPEN' })).toEqual({
      indexM3: 12.346,
      batteryPct: 87,
      alarms: { TAMPER: true, TILT: false },
      valveState: 'OPEN',
    });
  });
  it('applies a vendor mapping with nested keys and scale', () => {
    const m = mapDecoded(
      { meter: { volume_l: 123456 }, battery: 55, flags: { mag: true } },
      {
        indexM3: { key: 'meter.volume_l', scale: 0.001 },
        batteryPct: 'battery',
        'alarms.tamper': 'flags.mag',
      },
    );
    expect(m).toMatchObject({ indexM3: 123.456, batteryPct: 55, alarms: { TAMPER: true } });
  });
  it('ignores values that are not numbers and negative indexes', () => {
    expect(mapDecoded({ indexM3: 'abc', batteryPct: null })).toMatchObject({ indexM3: null, batteryPct: null, alarms: {} });
    expect(mapDecoded({ indexM3: -1 }).indexM3).toBeNull();
  });
});
