import { describe, expect, it } from 'vitest';
import {
  formatClock,
  inQuietHours,
  isPrivateAddress,
  parseClock,
  quietUntil,
  verifyWebhookSignature,
  webhookSignature,
} from './notification-rules';

describe('quiet hours', () => {
  const quiet = { start: parseClock('22:00'), end: parseClock('07:00') };

  it('wraps midnight', () => {
    expect(inQuietHours(parseClock('23:30'), quiet.start, quiet.end)).toBe(true);
    expect(inQuietHours(parseClock('06:59'), quiet.start, quiet.end)).toBe(true);
    expect(inQuietHours(parseClock('07:00'), quiet.start, quiet.end)).toBe(false);
    expect(inQuietHours(parseClock('12:00'), parseClock('12:00'), parseClock('13:00'))).toBe(true);
  });

  it('defers to the end of the period in the tenant zone (Istanbul is UTC+3)', () => {
    // 23:10 in Istanbul = 20:10 UTC; the period ends at 07:00 Istanbul = 04:00 UTC the next day.
    expect(quietUntil(new Date('2026-03-10T20:10:30Z'), 'Europe/Istanbul', quiet)?.toISOString()).toBe('2026-03-11T04:00:00.000Z');
    expect(quietUntil(new Date('2026-03-10T09:00:00Z'), 'Europe/Istanbul', quiet)).toBeNull();
    expect(quietUntil(new Date('2026-03-10T20:10:30Z'), 'UTC', quiet)).toBeNull();
    expect(quietUntil(new Date('2026-03-10T20:10:30Z'), 'Europe/Istanbul', null)).toBeNull();
  });

  it('reads and writes clock times', () => {
    expect(formatClock(parseClock('07:05'))).toBe('07:05');
    expect(parseClock('00:00')).toBe(0);
  });
});

describe('webhook signature', () => {
  it('signs t + "." + body and verifies within the tolerance', () => {
    const at = new Date('2026-03-10T10:00:00Z');
    const header = webhookSignature('s3cret', '{"a":1}', at);
    expect(header).toMatch(/^t=1773136800,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header, at)).toBe(true);
    expect(verifyWebhookSignature('s3cret', '{"a":2}', header, at)).toBe(false);
    expect(verifyWebhookSignature('other', '{"a":1}', header, at)).toBe(false);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header, new Date(at.getTime() + 600_000))).toBe(false);
  });
});

describe('private addresses', () => {
  it('refuses loopback, private, link-local and mapped forms; allows public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
      'nonsense',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111']) expect(isPrivateAddress(a), a).toBe(false);
  });
});
