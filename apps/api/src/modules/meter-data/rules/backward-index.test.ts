import { describe, expect, it } from 'vitest';
import { backwardIndex } from './backward-index';
import { params } from './rules.fixtures';

describe('backward index', () => {
  it('flags a 10-litre drop with the default tolerance', () => {
    expect(backwardIndex(0.01, params().backwardIndex)).toEqual({ quality: 'SUSPECT', rule: 'backward-index' });
  });
  it('lets a drop within the tolerance pass', () => {
    expect(backwardIndex(0.01, params({ backwardIndex: { toleranceM3: 0.01 } }).backwardIndex)).toEqual({ quality: 'VALID', rule: null });
  });
  it('is silent when off', () => {
    expect(backwardIndex(5, params({ backwardIndex: { enabled: false } }).backwardIndex).quality).toBe('VALID');
  });
});
