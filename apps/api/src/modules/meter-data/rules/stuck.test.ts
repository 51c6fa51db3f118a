import { describe, expect, it } from 'vitest';
import { params } from './rules.fixtures';
import { isStuck } from './stuck';

describe('stuck meter', () => {
  const p = params().stuck;
  it('is stuck when 7 days of readings all show the index from before them', () => {
    expect(isStuck({ indexBeforeM3: 412.118, minM3: 412.118, maxM3: 412.118, count: 168 }, true, p)).toBe(true);
  });
  it('is not stuck after one litre', () => {
    expect(isStuck({ indexBeforeM3: 412.118, minM3: 412.118, maxM3: 412.119, count: 168 }, true, p)).toBe(false);
  });
  it('does not judge a new meter, a silent one or one without an active subscription', () => {
    expect(isStuck({ indexBeforeM3: null, minM3: 5, maxM3: 5, count: 10 }, true, p)).toBe(false);
    expect(isStuck({ indexBeforeM3: 5, minM3: null, maxM3: null, count: 0 }, true, p)).toBe(false);
    expect(isStuck({ indexBeforeM3: 5, minM3: 5, maxM3: 5, count: 10 }, false, p)).toBe(false);
  });
});
