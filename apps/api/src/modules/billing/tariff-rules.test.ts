import { describe, expect, it } from 'vitest';
import { localToday, overlapping, tierProblems, versionState } from './tariff-rules';

describe('tier rules', () => {
  it('accepts blocks from 0 without gaps, only the last open', () => {
    expect(
      tierProblems([
        { fromM3: 0, toM3: 10 },
        { fromM3: 10, toM3: 20.5 },
        { fromM3: 20.5, toM3: null },
      ]),
    ).toEqual([]);
    expect(tierProblems([{ fromM3: 0, toM3: null }])).toEqual([]);
  });

  it('names each problem at its field', () => {
    const paths = (tiers: { fromM3: number; toM3: number | null }[]) => tierProblems(tiers).map((p) => p.path.join('.'));
    expect(paths([{ fromM3: 1, toM3: null }])).toEqual(['tiers.0.fromM3']);
    expect(
      paths([
        { fromM3: 0, toM3: 10 },
        { fromM3: 11, toM3: null },
      ]),
    ).toEqual(['tiers.1.fromM3']); // gap
    expect(
      paths([
        { fromM3: 0, toM3: 10 },
        { fromM3: 9.999, toM3: null },
      ]),
    ).toEqual(['tiers.1.fromM3']); // overlap by a litre
    expect(
      paths([
        { fromM3: 0, toM3: null },
        { fromM3: 10, toM3: null },
      ]),
    ).toEqual(['tiers.0.toM3']); // open block before the last
    expect(paths([{ fromM3: 0, toM3: 5 }])).toEqual(['tiers.0.toM3']); // last block closed
    expect(
      paths([
        { fromM3: 0, toM3: 0 },
        { fromM3: 0, toM3: null },
      ]),
    ).toEqual(['tiers.0.toM3']); // empty block
  });
});

describe('version rules', () => {
  const versions = [
    { id: 'a', effectiveFrom: '2026-01-01', effectiveTo: '2026-07-01' },
    { id: 'b', effectiveFrom: '2026-07-01', effectiveTo: null },
  ];

  it('finds overlaps of half-open day ranges', () => {
    expect(overlapping(versions, '2025-01-01', '2026-01-01')).toEqual([]); // ends the day a starts
    expect(overlapping(versions, '2025-01-01', '2026-01-02').map((v) => v.id)).toEqual(['a']);
    expect(overlapping(versions, '2030-01-01', null).map((v) => v.id)).toEqual(['b']);
    expect(overlapping([versions[0]!], '2026-07-01', null)).toEqual([]);
  });

  it('tells drafts from versions in force and past ones', () => {
    expect(versionState(versions[0]!, '2025-12-31')).toBe('FUTURE');
    expect(versionState(versions[0]!, '2026-01-01')).toBe('CURRENT');
    expect(versionState(versions[0]!, '2026-06-30')).toBe('CURRENT');
    expect(versionState(versions[0]!, '2026-07-01')).toBe('PAST');
    expect(versionState(versions[1]!, '2099-01-01')).toBe('CURRENT');
  });

  it('reads today in the tenant’s time zone', () => {
    const lateEvening = new Date('2026-03-31T22:30:00Z'); // 01:30 on 1 April in Istanbul
    expect(localToday('Europe/Istanbul', lateEvening)).toBe('2026-04-01');
    expect(localToday('UTC', lateEvening)).toBe('2026-03-31');
  });
});
