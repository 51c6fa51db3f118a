import { describe, expect, it } from 'vitest';
import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import type { BatchResult } from './uplink.processor';
import { UplinkMerger } from './uplink-merger';

const result = (stored: number): BatchResult => ({ stored, duplicate: 0, decodeFailed: 0, noReading: 0, unknownDevice: 0, storeFailed: 0 });
const uplinks = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ deviceId: `${tag}${i}` }) as UplinkEnvelope);

describe('UplinkMerger', () => {
  it('stores a job at once when idle, and the jobs that wait meanwhile together, up to the limit', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const merger = new UplinkMerger(async (u) => {
      calls.push(u.map((x) => x.deviceId));
      if (calls.length === 1) await first;
      return result(u.length);
    }, 5);
    const a = merger.submit(uplinks(2, 'a'));
    const b = merger.submit(uplinks(2, 'b'));
    const c = merger.submit(uplinks(2, 'c'));
    const d = merger.submit(uplinks(2, 'd'));
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([['a0', 'a1']]);
    release();
    await Promise.all([a, b, c, d]);
    // b and c fit in 5 together; d waits for the next transaction.
    expect(calls).toEqual([
      ['a0', 'a1'],
      ['b0', 'b1', 'c0', 'c1'],
      ['d0', 'd1'],
    ]);
    expect((await b).stored).toBe(4);
  });

  it('fails every job of a group whose transaction failed, and goes on with the next', async () => {
    let n = 0;
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const merger = new UplinkMerger(async (u) => {
      n++;
      if (n === 1) await first;
      if (n === 2) throw new Error('connection lost');
      return result(u.length);
    }, 100);
    const a = merger.submit(uplinks(1, 'a'));
    const b = merger.submit(uplinks(1, 'b'));
    const c = merger.submit(uplinks(1, 'c'));
    release();
    await expect(a).resolves.toMatchObject({ stored: 1 });
    await expect(b).rejects.toThrow('connection lost');
    await expect(c).rejects.toThrow('connection lost');
    await expect(merger.submit(uplinks(1, 'd'))).resolves.toMatchObject({ stored: 1 });
  });

  it('lets an idle worker wait a moment for the jobs fetched alongside the first', async () => {
    const calls: number[] = [];
    const merger = new UplinkMerger(
      async (u) => {
        calls.push(u.length);
        return result(u.length);
      },
      100,
      30,
    );
    const a = merger.submit(uplinks(2, 'a'));
    await new Promise((r) => setTimeout(r, 5));
    const b = merger.submit(uplinks(3, 'b'));
    await Promise.all([a, b]);
    expect(calls).toEqual([5]);
    // A job that fills a group does not wait, however long the linger.
    const patient = new UplinkMerger(async (u) => result(u.length), 100, 60_000);
    const answer = await Promise.race([patient.submit(uplinks(100, 'c')), new Promise((r) => setTimeout(() => r('lingered'), 2000))]);
    expect(answer).toMatchObject({ stored: 100 });
  });

  it('prepares the next group while the previous one is written, and writes groups in the order they were formed', async () => {
    const log: string[] = [];
    let releaseWrite!: () => void;
    const firstWrite = new Promise<void>((r) => (releaseWrite = r));
    const merger = new UplinkMerger<string>(
      {
        prepare: async (u) => {
          const tag = u.map((x) => x.deviceId).join(',');
          log.push(`prepare ${tag}`);
          return tag;
        },
        write: async (tag) => {
          log.push(`write ${tag}`);
          if (tag === 'a0') await firstWrite;
          log.push(`written ${tag}`);
          return result(tag.split(',').length);
        },
      },
      10,
    );
    const a = merger.submit(uplinks(1, 'a'));
    await new Promise((r) => setTimeout(r, 5));
    const b = merger.submit(uplinks(1, 'b'));
    const c = merger.submit(uplinks(1, 'c'));
    await new Promise((r) => setTimeout(r, 5));
    // b is decoded while a's transaction is open; c waits: two groups at most are in flight.
    expect(log).toEqual(['prepare a0', 'write a0', 'prepare b0']);
    releaseWrite();
    await Promise.all([a, b, c]);
    expect(log.filter((l) => l.startsWith('written'))).toEqual(['written a0', 'written b0', 'written c0']);
    expect(log.indexOf('prepare c0')).toBeGreaterThan(log.indexOf('written a0'));
    expect(log.indexOf('write b0')).toBeGreaterThan(log.indexOf('written a0'));
  });

  it('keeps the write order when a group fails while preparing', async () => {
    const writes: string[] = [];
    let releaseWrite!: () => void;
    const firstWrite = new Promise<void>((r) => (releaseWrite = r));
    const merger = new UplinkMerger<string>(
      {
        prepare: async (u) => {
          if (u[0].deviceId === 'b0') throw new Error('decoder pool closed');
          return u[0].deviceId;
        },
        write: async (tag) => {
          if (tag === 'a0') await firstWrite;
          writes.push(tag);
          return result(1);
        },
      },
      1,
    );
    const a = merger.submit(uplinks(1, 'a'));
    await new Promise((r) => setTimeout(r, 5));
    const b = merger.submit(uplinks(1, 'b'));
    await expect(b).rejects.toThrow('decoder pool closed');
    const c = merger.submit(uplinks(1, 'c'));
    await new Promise((r) => setTimeout(r, 5));
    // c is prepared, but its transaction waits for a's.
    expect(writes).toEqual([]);
    releaseWrite();
    await Promise.all([a, c]);
    expect(writes).toEqual(['a0', 'c0']);
  });
});
