import { describe, expect, it } from 'vitest';
import { consumptionJson, isoStrings, withIsoStarts, type ConsumptionBody } from './consumption-json';

const H = 3_600_000;
const T0 = Date.UTC(2025, 10, 9);

const times = [
  ...Array.from({ length: 50 }, (_, i) => T0 + i * H - 30 * 60_000), // a +05:30 zone's hours
  Date.UTC(2025, 2, 30, 23, 59, 59, 999),
  Date.UTC(2025, 2, 31, 0, 0, 0, 7),
  Date.UTC(2025, 2, 31, 0, 0, 0, 42),
  Date.UTC(1969, 11, 31, 23, 45, 0),
  Date.UTC(1900, 0, 1, 0, 0, 0) - 1_816_000, // a local-mean-time offset of 30 min 16 s
  Date.UTC(12025, 0, 1, 13, 5, 9), // a year of six digits
  0,
];

describe('isoStrings', () => {
  it('writes what toISOString writes, across days, odd offsets, milliseconds, before 1970 and past 9999', () => {
    expect(isoStrings(times)).toEqual(times.map((t) => new Date(t).toISOString()));
    expect(isoStrings([])).toEqual([]);
  });
});

describe('consumptionJson', () => {
  const body: ConsumptionBody = {
    interval: 'hour',
    from: '2025-11-08T21:00:00.000Z',
    to: '2025-11-09T21:00:00.000Z',
    timeZone: 'Europe/Istanbul',
    bucketStarts: times,
    totalM3: 1.234,
    values: times.map((_, i) => (i % 7 === 0 ? null : (i * 37) / 1000)),
    estimated: { totalM3: 0, values: times.map(() => 0) },
    byMeter: [
      {
        meterId: '0f6c7a52-3b0e-4a57-9a33-8f0f1b6a2c11',
        serialNo: 'Sayaç "ÇĞİÖŞÜ" \\ \n\u0001 ☃',
        periods: [{ startedAt: '2025-01-01T00:00:00.000Z', endedAt: null }],
        totalM3: 123456789.012,
        values: [1e21, -0, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, 5e-7],
      },
    ],
    byDevice: [],
    bySubscription: undefined,
  };

  it('is the document JSON.stringify writes of the answer with ISO bucket starts, byte for byte', () => {
    const bytes = consumptionJson(body);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(withIsoStarts(body)));
    expect(JSON.parse(bytes.toString('utf8')).bucketStarts).toEqual(times.map((t) => new Date(t).toISOString()));
  });

  it('writes a year of hours with many series whole (the buffer grows past its first guess)', () => {
    const year = Array.from({ length: 8_784 }, (_, i) => T0 + i * H);
    const litres = year.map((_, i) => (i * 7919) % 100_000);
    const big: ConsumptionBody = {
      ...body,
      bucketStarts: year,
      values: litres.map((l) => l / 1000),
      estimated: { totalM3: 0, values: year.map(() => 0) },
      byMeter: undefined,
      byDevice: Array.from({ length: 12 }, (_, d) => ({
        deviceId: `d${d}`,
        serialNo: null,
        totalM3: 3,
        values: litres.map((l) => (l + d) / 1000),
      })),
    };
    expect(consumptionJson(big).toString('utf8')).toBe(JSON.stringify(withIsoStarts(big)));
  });
});
