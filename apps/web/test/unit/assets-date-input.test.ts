import { describe, expect, it } from 'vitest';
import { defaultRange, rangeQuery } from '~/lib/consumption-range';
import { formatDateTimeInput, maskDateTime, nextDay, parseDateInput, parseDateTimeInput } from '~/lib/date-input';
import { createMeterPayload, emptyMeterForm, meterFormFrom, validateMeterForm } from '~/lib/meter-form';

describe('parseDateTimeInput', () => {
  it("reads the brief's example in Istanbul time (UTC+3) as an ISO instant", () => {
    const result = parseDateTimeInput('08.12.2025 07:18:55', 'Europe/Istanbul');
    expect(result).toEqual({ ok: true, date: new Date('2025-12-08T04:18:55.000Z'), iso: '2025-12-08T04:18:55.000Z' });
  });

  it('reads the same wall time in another zone', () => {
    const result = parseDateTimeInput('08.12.2025 07:18:55', 'Europe/Berlin');
    expect(result.ok && result.iso).toBe('2025-12-08T06:18:55.000Z');
  });

  it('tells a wrong shape from an impossible date', () => {
    expect(parseDateTimeInput('2025-12-08 07:18:55')).toEqual({ ok: false, problem: 'format' });
    expect(parseDateTimeInput('08.12.2025 7:18')).toEqual({ ok: false, problem: 'format' });
    expect(parseDateTimeInput('31.02.2025 10:00:00')).toEqual({ ok: false, problem: 'impossible' });
    expect(parseDateTimeInput('08.12.2025 24:00:00')).toEqual({ ok: false, problem: 'impossible' });
  });

  it('round-trips a stored instant through the form text', () => {
    const text = formatDateTimeInput('2023-12-23T14:00:00.000Z', 'Europe/Istanbul');
    expect(text).toBe('23.12.2023 17:00:00');
    expect(parseDateTimeInput(text).ok && parseDateTimeInput(text)).toMatchObject({ iso: '2023-12-23T14:00:00.000Z' });
    expect(formatDateTimeInput(null)).toBe('');
  });

  it('masks digits into DD.MM.YYYY HH:mm:ss while typing', () => {
    expect(maskDateTime('08122025')).toBe('08.12.2025');
    expect(maskDateTime('08122025071855')).toBe('08.12.2025 07:18:55');
    expect(maskDateTime('08.12.2025 07:1')).toBe('08.12.2025 07:1');
    expect(maskDateTime('081220250718559999')).toBe('08.12.2025 07:18:55');
    expect(maskDateTime('0812202512', false)).toBe('08.12.2025');
  });
});

describe('day ranges', () => {
  it('steps over month and leap-year ends', () => {
    expect(nextDay('31.12.2025')).toBe('01.01.2026');
    expect(nextDay('28.02.2024')).toBe('29.02.2024');
    expect(nextDay('28.02.2025')).toBe('01.03.2025');
  });

  it("turns inclusive days into the API's [from, to) instants at local midnight", () => {
    expect(parseDateInput('01.11.2026').ok).toBe(true);
    expect(rangeQuery({ interval: 'day', from: '01.11.2026', to: '30.11.2026' })).toEqual({
      ok: true,
      query: { interval: 'day', from: '2026-10-31T21:00:00.000Z', to: '2026-11-30T21:00:00.000Z' },
    });
  });

  it('refuses reversed, malformed and too long ranges', () => {
    expect(rangeQuery({ interval: 'day', from: '10.11.2026', to: '09.11.2026' })).toEqual({
      ok: false,
      error: { field: 'to', problem: 'order' },
    });
    expect(rangeQuery({ interval: 'day', from: '1.11.2026', to: '09.11.2026' })).toEqual({
      ok: false,
      error: { field: 'from', problem: 'format' },
    });
    // A whole year of hours is one chart; a day more is refused, as the API does.
    expect(rangeQuery({ interval: 'hour', from: '01.01.2025', to: '01.01.2026' }).ok).toBe(true);
    expect(rangeQuery({ interval: 'hour', from: '01.01.2025', to: '02.01.2026' })).toEqual({
      ok: false,
      error: { field: 'from', problem: 'tooLong' },
    });
  });

  it('defaults to the last 30 days for daily buckets', () => {
    expect(defaultRange('day', new Date('2026-11-24T09:00:00Z'))).toEqual({ interval: 'day', from: '26.10.2026', to: '24.11.2026' });
  });
});

describe('meter form installation date', () => {
  const base = { ...emptyMeterForm('t1'), meterProfileId: 'p1', serialNo: 'SN-1' };

  it("sends the typed date as an ISO instant in the tenant's zone", () => {
    const payload = createMeterPayload({ ...base, installedAt: '08.12.2025 07:18:55', initialIndex: '12,5' }, 'Europe/Istanbul', []);
    expect(payload).toMatchObject({
      tenantId: 't1',
      installedAt: '2025-12-08T04:18:55.000Z',
      initialIndexM3: 12.5,
      device: { mode: 'none' },
    });
  });

  it('reports a malformed or impossible date next to the field', () => {
    expect(validateMeterForm({ ...base, installedAt: '08/12/2025' }, 'Europe/Istanbul', []).errors).toEqual({
      installedAt: 'assets.validation.dateTimeFormat',
    });
    expect(validateMeterForm({ ...base, installedAt: '30.02.2025 10:00:00' }, 'Europe/Istanbul', []).errors).toEqual({
      installedAt: 'assets.validation.dateTimeImpossible',
    });
    expect(validateMeterForm({ ...base, initialIndex: '1.2345' }, 'Europe/Istanbul', []).errors).toEqual({
      initialIndexM3: 'assets.validation.indexM3',
    });
  });

  it("shows a stored installation time in the meter's tenant zone", () => {
    const form = meterFormFrom({
      tenantId: 't1',
      timeZone: 'Europe/Istanbul',
      serialNo: 'SN',
      status: 'ACTIVE',
      initialIndexM3: 0.024,
      installedAt: '2023-12-23T14:00:00.000Z',
      hasValve: true,
      valveState: 'OPEN',
      profile: { id: 'p' },
      communicationModule: { override: null },
      device: { id: 'd1' },
      subscription: null,
    });
    expect(form).toMatchObject({
      installedAt: '23.12.2023 17:00:00',
      initialIndex: '0.024',
      deviceMode: 'existing',
      deviceId: 'd1',
      communicationModule: 'PROFILE',
    });
  });
});
