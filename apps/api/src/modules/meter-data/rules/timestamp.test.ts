import { describe, expect, it } from 'vitest';
import { at, params } from './rules.fixtures';
import { timestamp } from './timestamp';

describe('future and far-past timestamps', () => {
  const p = params().timestamp;
  const received = at('2025-12-05T10:00:00Z');
  it('flags a reading stamped 30 minutes after its reception', () => {
    expect(timestamp(at('2025-12-05T10:30:00Z'), received, p)).toEqual({ quality: 'SUSPECT', rule: 'future-time' });
  });
  it('accepts a clock 5 minutes ahead', () => {
    expect(timestamp(at('2025-12-05T10:05:00Z'), received, p).quality).toBe('VALID');
  });
  it('flags a clock reset to 2000', () => {
    expect(timestamp(at('2000-01-01T00:00:00Z'), received, p)).toEqual({ quality: 'SUSPECT', rule: 'past-time' });
  });
  it('accepts a reading delivered 300 days late', () => {
    expect(timestamp(at('2025-02-08T10:00:00Z'), received, p).quality).toBe('VALID');
  });
});
