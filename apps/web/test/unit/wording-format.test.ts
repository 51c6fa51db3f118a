// @vitest-environment node
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { decoderErrorText } from '~/lib/decoder-errors';
import {
  COORDINATE_DIGITS,
  NUMBER_FORMATS,
  formatCoordinate,
  formatCoordinates,
  formatDateTimeOrDash,
  roundCoordinate,
} from '~/lib/format';
import { defaultMembershipTenant } from '~/lib/user-form';
import { useNoticeStore } from '~/stores/notice';

const format = (locale: string, value: number, name: keyof typeof NUMBER_FORMATS) =>
  new Intl.NumberFormat(locale, NUMBER_FORMATS[name] as Intl.NumberFormatOptions).format(value);

describe('the one formatter', () => {
  it('shows Q1 with the same decimals wherever it is shown', () => {
    expect(format('tr-TR', 2.5 / 160, 'flowRate')).toBe('0,0156');
    expect(format('en-GB', 2.5 / 160, 'flowRate')).toBe('0.0156');
    expect(format('tr-TR', 2.5, 'flowRate')).toBe('2,5');
  });

  it('shows volumes with litre resolution', () => {
    expect(format('tr-TR', 1234.5, 'volume')).toBe('1.234,500');
    expect(format('en-GB', 0, 'volume')).toBe('0.000');
  });

  it('writes coordinates with six decimals and a point in every language', () => {
    expect(COORDINATE_DIGITS).toBe(6);
    expect(formatCoordinate(36.2)).toBe('36.200000');
    expect(formatCoordinates(36.2021234, 36.1601)).toBe('36.202123, 36.160100');
    expect(formatCoordinates(36.2, null)).toBeNull();
    expect(formatCoordinate(Number.NaN)).toBeNull();
    expect(roundCoordinate(39.123456789)).toBe(39.123457);
  });

  it('writes dates as DD.MM.YYYY HH:mm:ss in the tenant zone, a dash when missing', () => {
    expect(formatDateTimeOrDash('2026-01-31T21:30:00Z')).toBe('01.02.2026 00:30:00');
    expect(formatDateTimeOrDash(null)).toBe('—');
  });
});

describe('decoder sandbox errors', () => {
  it('translates the limits the API words in English', () => {
    expect(decoderErrorText('timeout: the decoder ran longer than its 50 ms budget and was stopped')).toEqual({
      key: 'profiles.tester.limits.runTimeout',
      params: { ms: 50 },
    });
    expect(decoderErrorText('decoder failed to load: timeout: the decoder ran longer than its 200 ms budget and was stopped')?.key).toBe(
      'profiles.tester.limits.loadTimeout',
    );
    expect(decoderErrorText('InternalError: interrupted')?.key).toBe('profiles.tester.limits.runInterrupted');
    expect(decoderErrorText('memory: the decoder went over its 16 MiB memory limit and was stopped')).toEqual({
      key: 'profiles.tester.limits.memory',
      params: { mib: 16 },
    });
    expect(decoderErrorText('stack overflow: the decoder recursed too deeply and was stopped')?.key).toBe('profiles.tester.limits.stack');
    expect(decoderErrorText('decodeUplink returned no data')).toEqual({
      key: 'profiles.tester.limits.noData',
      params: { fn: 'decodeUplink' },
    });
  });

  it("leaves the decoder's own errors as their author wrote them", () => {
    expect(decoderErrorText('Error: unknown frame type 0x7f')).toBeNull();
  });
});

describe("a new user's first tenant", () => {
  const options = [
    { value: 'root', allowed: true },
    { value: 'aski', allowed: true },
    { value: 'hatsu', allowed: false },
  ];

  it('is the current tenant when the caller may add users there', () => {
    expect(defaultMembershipTenant(options, 'aski', 'root')).toBe('aski');
  });

  it('is never the root tenant, and nothing where the caller may not add users', () => {
    expect(defaultMembershipTenant(options, 'root', 'root')).toBeUndefined();
    expect(defaultMembershipTenant(options, 'hatsu', 'root')).toBeUndefined();
    expect(defaultMembershipTenant(options, null, 'root')).toBeUndefined();
  });
});

describe('the saved notice', () => {
  it('shows the latest confirmation until it is closed', () => {
    setActivePinia(createPinia());
    const notice = useNoticeStore();
    expect(notice.message).toBeNull();
    notice.show('Kaydedildi.');
    notice.show('Saved.');
    expect(notice.message).toBe('Saved.');
    expect(notice.serial).toBe(2);
    notice.clear();
    expect(notice.message).toBeNull();
  });
});
