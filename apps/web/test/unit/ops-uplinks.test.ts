import { describe, expect, it } from 'vitest';
import { relativeTime } from '~/lib/relative-time';
import {
  hexToBase64,
  isRedecodeFinished,
  rangeBounds,
  rangeRedecodeBody,
  readRx,
  singleRedecodeBody,
  spacedHex,
  summarizeRedecode,
  type RedecodeStatus,
} from '~/lib/uplinks';

const status = (state: RedecodeStatus['state'], progress: RedecodeStatus['progress']): RedecodeStatus => ({
  jobId: '1',
  state,
  progress,
  failedReason: null,
  createdAt: '2026-12-04T00:00:00.000Z',
  finishedAt: null,
});

describe('uplink inspector helpers', () => {
  it('shows a payload as base64 the way network servers do', () => {
    expect(hexToBase64('')).toBe('');
    expect(hexToBase64('00ff10')).toBe('AP8Q');
    expect(hexToBase64('48656c6c6f')).toBe('SGVsbG8=');
    expect(hexToBase64('abc')).toBeNull();
    expect(hexToBase64('zz')).toBeNull();
    expect(spacedHex('0a1b2c')).toBe('0a 1b 2c');
  });

  it('reads the receive metadata the API stores, and nothing else', () => {
    expect(readRx({ rssi: -97, snr: 7.5, gatewayCount: 2, source: 'http:ttn' })).toEqual({
      rssi: -97,
      snr: 7.5,
      gatewayCount: 2,
      source: 'http:ttn',
    });
    expect(readRx(null)).toEqual({ rssi: null, snr: null, gatewayCount: null, source: null });
    expect(readRx({ rssi: '-97', source: 3 })).toEqual({ rssi: null, snr: null, gatewayCount: null, source: null });
  });

  it('turns a range into instants ending now, and asks the failed uplinks of the device or integration in it', () => {
    const now = Date.parse('2026-12-04T12:00:00.000Z');
    expect(rangeBounds('24h', now)).toEqual({ from: '2026-12-03T12:00:00.000Z', to: '2026-12-04T12:00:00.000Z' });
    expect(rangeRedecodeBody({ deviceId: 'd' }, '1h', now)).toEqual({
      deviceId: 'd',
      status: 'FAILED',
      from: '2026-12-04T11:00:00.000Z',
      to: '2026-12-04T12:00:00.000Z',
    });
    expect(rangeRedecodeBody({ integrationId: 'i' }, '7d', now)).toMatchObject({
      integrationId: 'i',
      status: 'FAILED',
      from: '2026-11-27T12:00:00.000Z',
    });
  });

  it('re-decodes one uplink by its id, within a second either side of its time (the API drops microseconds)', () => {
    const body = singleRedecodeBody({ id: '123', deviceId: 'd', receivedAt: '2026-12-04T10:00:00.123Z' });
    expect(body).toEqual({
      deviceId: 'd',
      uplinkIds: ['123'],
      status: 'ANY',
      from: '2026-12-04T09:59:59.123Z',
      to: '2026-12-04T10:00:01.123Z',
    });
  });

  it('stops polling only once the run completed or failed', () => {
    expect(['waiting', 'active', 'delayed', 'unknown'].map((s) => isRedecodeFinished(s as RedecodeStatus['state']))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(isRedecodeFinished('completed')).toBe(true);
    expect(isRedecodeFinished('failed')).toBe(true);
  });

  it('summarizes progress: whole percents, 100 only when done, an empty run complete', () => {
    expect(summarizeRedecode(status('active', { total: 3, done: 1, stored: 1, failed: 0 }))).toEqual({
      percent: 33,
      finished: false,
      succeeded: false,
      done: 1,
      total: 3,
      stored: 1,
      failed: 0,
    });
    expect(summarizeRedecode(status('active', { total: 1000, done: 999, stored: 990, failed: 9 })).percent).toBe(99);
    expect(summarizeRedecode(status('completed', { total: 3, done: 3, stored: 2, failed: 1 }))).toMatchObject({
      percent: 100,
      finished: true,
      succeeded: true,
      failed: 1,
    });
    expect(summarizeRedecode(status('completed', { total: 0, done: 0, stored: 0, failed: 0 }))).toMatchObject({
      percent: 100,
      succeeded: true,
    });
    expect(summarizeRedecode(status('failed', { total: 4, done: 2, stored: 2, failed: 0 }))).toMatchObject({
      percent: 50,
      finished: true,
      succeeded: false,
    });
    expect(summarizeRedecode(status('waiting', { total: 0, done: 0, stored: 0, failed: 0 })).percent).toBe(0);
  });

  it('says how long ago in the largest unit that fits', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(relativeTime('2026-12-04T11:59:30Z', now)).toEqual({ value: -30, unit: 'second' });
    expect(relativeTime('2026-12-04T11:55:00Z', now)).toEqual({ value: -5, unit: 'minute' });
    expect(relativeTime('2026-12-04T09:30:00Z', now)).toEqual({ value: -2, unit: 'hour' });
    expect(relativeTime('2026-12-01T12:00:00Z', now)).toEqual({ value: -3, unit: 'day' });
    expect(relativeTime('2025-11-01T12:00:00Z', now)).toEqual({ value: -1, unit: 'year' });
  });
});
