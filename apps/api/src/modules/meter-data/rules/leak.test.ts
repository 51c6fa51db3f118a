import { describe, expect, it } from 'vitest';
import { detectLeak, type HourOfFlow } from './leak';
import { params } from './rules.fixtures';

/** 24 hours starting at local 06:00, litres from `f(hour)`. */
const day = (f: (hour: number) => number | null): HourOfFlow[] =>
  Array.from({ length: 24 }, (_, i) => {
    const localHour = (6 + i) % 24;
    return { localHour, litres: f(localHour) };
  });

describe('leak detection', () => {
  const p = params().leak;
  it('sees continuous flow when no hour of 24 is without water', () => {
    expect(
      detectLeak(
        day((h) => 3 + h),
        p,
      ),
    ).toMatchObject({ continuousFlow: true });
  });
  it('sees a night flow of 12, 15 and 11 l/h over the 10 l/h threshold', () => {
    const night: Record<number, number> = { 2: 12, 3: 15, 4: 11 };
    const finding = detectLeak(
      day((h) => night[h] ?? (h === 14 ? 0 : 20)),
      p,
    );
    expect(finding).toEqual({ continuousFlow: false, nightFlow: true, minNightLitresPerHour: 11 });
  });
  it('finds nothing when one night hour is dry (a normal household)', () => {
    const night: Record<number, number> = { 2: 12, 3: 0, 4: 11 };
    expect(
      detectLeak(
        day((h) => night[h] ?? 20),
        p,
      ),
    ).toEqual({ continuousFlow: false, nightFlow: false, minNightLitresPerHour: 0 });
  });
  it('does not judge missing hours as flow', () => {
    expect(
      detectLeak(
        day((h) => (h === 3 ? null : 20)),
        p,
      ),
    ).toEqual({ continuousFlow: false, nightFlow: false, minNightLitresPerHour: null });
    expect(detectLeak(day(() => 20).slice(0, 12), p).continuousFlow).toBe(false);
  });
});
