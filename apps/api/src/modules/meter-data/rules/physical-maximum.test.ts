import { describe, expect, it } from 'vitest';
import { physicalMaximum } from './physical-maximum';
import { params } from './rules.fixtures';

const HOUR = 3_600_000;

describe('physical maximum', () => {
  const p = params().physicalMaximum;
  it('flags 5 m³ in an hour through a Q3 = 2.5 m³/h meter (Q4 = 3.125 m³/h)', () => {
    expect(physicalMaximum(5, HOUR, 2.5, p)).toEqual({ quality: 'SUSPECT', rule: 'physical-maximum' });
  });
  it('accepts Q4 over the interval plus the tolerance', () => {
    expect(physicalMaximum(3.135, HOUR, 2.5, p).quality).toBe('VALID');
    expect(physicalMaximum(3.136, HOUR, 2.5, p).quality).toBe('SUSPECT');
    // Six hours at Q4 is 18.75 m³.
    expect(physicalMaximum(18.7, 6 * HOUR, 2.5, p).quality).toBe('VALID');
  });
  it('cannot judge without a Q3', () => {
    expect(physicalMaximum(1000, HOUR, null, p).quality).toBe('VALID');
  });
});
