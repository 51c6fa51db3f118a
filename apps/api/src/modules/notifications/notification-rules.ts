import { createHmac, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** Pure rules of delivery (quiet hours, webhook signatures, which addresses a webhook may reach), unit-tested. */

const MINUTES_PER_DAY = 1440;

/** Minute of the day (0–1439) of `at` in `timeZone`. */
/** Built once per zone (building one costs more than formatting with it). */
const minuteFormats = new Map<string, Intl.DateTimeFormat>();

export function localMinute(at: Date, timeZone: string): number {
  let format = minuteFormats.get(timeZone);
  if (!format)
    minuteFormats.set(
      timeZone,
      (format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })),
    );
  const parts = format.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

/** Whether minute `m` falls in the quiet period [start, end), which may wrap midnight (22:00–07:00). */
export function inQuietHours(m: number, start: number, end: number): boolean {
  return start < end ? m >= start && m < end : m >= start || m < end;
}

/**
 * When a message that would go at `now` may go, given quiet hours in `timeZone`: null when now is outside
 * them, else the end of the quiet period (the next `end` o'clock, local time).
 */
export function quietUntil(now: Date, timeZone: string, quiet: { start: number; end: number } | null): Date | null {
  if (!quiet) return null;
  const m = localMinute(now, timeZone);
  if (!inQuietHours(m, quiet.start, quiet.end)) return null;
  const minutes = (quiet.end - m + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  const wholeMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(wholeMinute + minutes * 60_000);
}

/** "HH:mm" ↔ minute of the day. */
export function parseClock(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h * 60 + m;
}
export function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The X-Water-Signature header of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export function webhookSignature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** What a receiver does: checks the signature and that it is at most `toleranceSeconds` old. */
export function verifyWebhookSignature(secret: string, body: string, header: string, now: Date, toleranceSeconds = 300): boolean {
  const fields = new Map(header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const v1 = fields.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Loopback, private, link-local, multicast or reserved: a webhook must not make the platform call its own network. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = isIP(address);
  if (!family) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What a change of notification preferences stores: the settings (unchanged fields kept) and the switches given. */
export function preferenceChanges(
  input: {
    language?: string;
    quietHours?: { start: string; end: string } | null;
    urgentOverridesQuietHours?: boolean;
    emailDigest?: boolean;
    events?: { eventType: string; email: boolean; inApp: boolean }[];
  },
  before: { language: string; quietHours: { start: string; end: string } | null; urgentOverridesQuietHours: boolean; emailDigest: boolean },
) {
  const quiet = input.quietHours === undefined ? before.quietHours : input.quietHours;
  const settings = {
    language: input.language ?? before.language,
    quietStart: quiet ? parseClock(quiet.start) : null,
    quietEnd: quiet ? parseClock(quiet.end) : null,
    urgentOverrides: input.urgentOverridesQuietHours ?? before.urgentOverridesQuietHours,
    emailDigest: input.emailDigest ?? before.emailDigest,
  };
  const prefs = (input.events ?? []).flatMap((e) => [
    { eventType: e.eventType, channel: 'EMAIL' as const, enabled: e.email },
    { eventType: e.eventType, channel: 'IN_APP' as const, enabled: e.inApp },
  ]);
  return { settings, prefs };
}
