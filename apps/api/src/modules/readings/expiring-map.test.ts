import { describe, expect, it } from 'vitest';
import { ExpiringMap } from './expiring-map';

describe('ExpiringMap', () => {
  it('answers an entry until it expires', () => {
    let now = 1_000;
    const map = new ExpiringMap<number>(500, 10, () => now);
    map.set('a', 1);
    now = 1_499;
    expect(map.get('a')).toBe(1);
    now = 1_500;
    expect(map.get('a')).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('drops the oldest entry when full, and a set renews its place', () => {
    const map = new ExpiringMap<string>(60_000, 2);
    map.set('a', 'A');
    map.set('b', 'B');
    map.set('a', 'A2');
    map.set('c', 'C');
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe('A2');
    expect(map.get('c')).toBe('C');
    map.delete('c');
    expect(map.get('c')).toBeUndefined();
  });
});
