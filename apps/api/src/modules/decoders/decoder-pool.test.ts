import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecoderPool } from './decoder-pool';

/**
 * The hard limits: each runaway decoder ends within twice its budget (plus slack for the thread that
 * replaces a killed one) with a clear error, the event loop keeps running meanwhile, a decoder on the
 * other thread answers, and the next decode works.
 */

/** Large enough that a loop blocked by a decoder (a gap of at least BUDGET) stands well apart from scheduling noise on a loaded machine. */
const BUDGET = 300;
/** A correctness bound of the kill, not a benchmark: 2 × the budget, plus time to spawn a thread on a busy machine. */
const BOUND = 2 * BUDGET + 500;
const input = { bytes: [1, 2, 3], fPort: 1, recvTime: new Date('2026-01-02T03:04:05Z') };
const GOOD = 'function decodeUplink(input) { return { data: { n: input.bytes.length, first: input.bytes[0] } }; }';

/** Largest gap between ticks of a 5 ms interval while `work` runs: how long the event loop was blocked. */
async function loopGap<T>(work: () => Promise<T>): Promise<{ value: T; gap: number; ms: number }> {
  let last = Date.now();
  let gap = 0;
  const tick = setInterval(() => {
    const now = Date.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 5);
  const start = Date.now();
  try {
    const value = await work();
    return { value, gap: Math.max(gap, Date.now() - last), ms: Date.now() - start };
  } finally {
    clearInterval(tick);
  }
}

describe('decoder pool: hard limits', () => {
  let pool: DecoderPool;
  beforeAll(async () => {
    pool = new DecoderPool({ size: 2, limits: { timeoutMs: BUDGET } });
    await pool.ready();
    // Warm: the good decoder is compiled in both threads' caches.
    await Promise.all([pool.run('good:1', GOOD, { fn: 'decodeUplink', input }), pool.run('good:1', GOOD, { fn: 'decodeUplink', input })]);
  });
  afterAll(() => pool.close());

  const runaway: [string, string, RegExp][] = [
    ['an allocating infinite loop', 'function decodeUplink() { for (;;) { new Array(1e5).fill(0); } }', /^timeout: .*300 ms/],
    [
      'JSON.stringify of a million-element array, forever',
      'function decodeUplink() { while (true) { JSON.stringify(new Array(1e6)); } }',
      /^timeout: .*300 ms/,
    ],
    [
      'a catastrophic regular expression',
      "function decodeUplink() { return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') } }; }",
      /^timeout: .*300 ms/,
    ],
    [
      'deep recursion',
      'function f(n) { return f(n + 1) + 1; } function decodeUplink() { return { data: { n: f(0) } }; }',
      /^stack overflow: /,
    ],
    [
      'a parser recursion that overflows the native stack (a WebAssembly trap: the thread is replaced)',
      'function decodeUplink() { return { data: { n: eval("(".repeat(1e5) + "1" + ")".repeat(1e5)) } }; }',
      /^stack overflow: /,
    ],
    [
      'a 1 GB allocation',
      'function decodeUplink() { var a = new Uint8Array(1024 * 1024 * 1024); a[5] = 1; return { data: { n: a[5] } }; }',
      /^memory: .*32 MiB/,
    ],
    [
      'a billion-element array',
      'function decodeUplink() { var a = new Array(1e9).fill(0); return { data: { n: a.length } }; }',
      /^(memory|timeout): /,
    ],
  ];

  for (const [what, source, error] of runaway) {
    it(`stops ${what} within 2× the budget, the event loop and the other thread answering meanwhile`, async () => {
      // Both threads up (the last test's killed one is replaced in the background).
      await pool.ready();
      const { value, gap, ms } = await loopGap(async () => {
        const bad = pool.run(`bad:${what}`, source, { fn: 'decodeUplink', input });
        // While the bad decoder runs (or is being killed), the other thread decodes.
        const t0 = Date.now();
        const other = await pool.run('good:1', GOOD, { fn: 'decodeUplink', input });
        const otherMs = Date.now() - t0;
        return { bad: await bad, other, otherMs };
      });
      expect(value.bad.data).toBeNull();
      expect(value.bad.errors).toHaveLength(1);
      expect(value.bad.errors[0]).toMatch(error);
      expect(ms).toBeLessThan(BOUND);
      expect(value.other).toEqual({ data: { n: 3, first: 1 }, warnings: [], errors: [] });
      expect(value.otherMs).toBeLessThan(BUDGET);
      // The event loop never waited for the decoder: a decoder on this thread would block it for the whole
      // budget; half of it leaves room for a loaded machine's scheduling.
      expect(gap).toBeLessThan(BUDGET / 2);
      // The next decodes work, whichever thread they land on (one may be a fresh replacement).
      const next = await Promise.all(
        [1, 2, 3].map((b) => pool.run('good:1', GOOD, { fn: 'decodeUplink', input: { ...input, bytes: [b] } })),
      );
      expect(next.map((r) => r.data)).toEqual([1, 2, 3].map((b) => ({ n: 1, first: b })));
    });
  }

  it('kills the thread when QuickJS cannot interrupt, and starts another', async () => {
    const before = pool.stats();
    const out = await pool.run(null, "function decodeUplink() { return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') } }; }", {
      fn: 'decodeUplink',
      input,
    });
    expect(out.errors[0]).toMatch(/^timeout: /);
    const after = pool.stats();
    expect(after.timeouts).toBe(before.timeouts + 1);
    expect(after.started).toBe(before.started + 1);
    await pool.ready();
    expect(pool.stats().threads).toBe(2);
  });

  it('answers the calls queued behind a call that trapped the runtime, on the thread that replaces it', async () => {
    const single = new DecoderPool({ size: 1, limits: { timeoutMs: BUDGET } });
    try {
      await single.ready();
      const trap = single.run(null, 'function decodeUplink() { return { data: { n: eval("(".repeat(1e5) + "1" + ")".repeat(1e5)) } }; }', {
        fn: 'decodeUplink',
        input,
      });
      const behind = Array.from({ length: 5 }, (_, i) =>
        single.run('behind:1', GOOD, { fn: 'decodeUplink', input: { ...input, bytes: [i] } }),
      );
      expect((await trap).errors[0]).toMatch(/^stack overflow: /);
      expect((await Promise.all(behind)).map((r) => r.data)).toEqual([0, 1, 2, 3, 4].map((b) => ({ n: 1, first: b })));
      expect(single.stats()).toMatchObject({ crashes: 1, started: 2, threads: 1 });
    } finally {
      await single.close();
    }
  });

  it('gives a call its own budget, up to 1 s', async () => {
    const loop = 'function decodeUplink() { var t = Date.now(); while (Date.now() - t < 450) {} return { data: { waited: true } }; }';
    // 450 ms of work: too long for the default budget (300 ms), within a budget of 800 ms.
    expect((await pool.run(null, loop, { fn: 'decodeUplink', input })).errors[0]).toMatch(/^timeout: .*300 ms/);
    expect(await pool.run(null, loop, { fn: 'decodeUplink', input }, 800)).toEqual({ data: { waited: true }, warnings: [], errors: [] });
    const t0 = Date.now();
    const capped = await pool.run(
      null,
      "function decodeUplink() { return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') } }; }",
      { fn: 'decodeUplink', input },
      60_000,
    );
    expect(capped.errors[0]).toMatch(/^timeout: .*1000 ms/);
    expect(Date.now() - t0).toBeLessThan(2 * 1000 + 500);
  });

  it('stops a decoder whose top level never ends, with its load budget', async () => {
    const t0 = Date.now();
    const out = await pool.run(null, "var x = /^(a+)+$/.test('a'.repeat(40) + 'b'); function decodeUplink() { return { data: {} }; }", {
      fn: 'decodeUplink',
      input,
    });
    expect(out.errors).toEqual(['decoder failed to load: timeout: the decoder ran longer than its 1000 ms budget and was stopped']);
    expect(Date.now() - t0).toBeLessThan(2 * 1000 + 500);
  });

  it('answers throws, non-JSON and huge results as errors of that decode only', async () => {
    const cases: [string, RegExp][] = [
      ['function decodeUplink() { throw new RangeError("bad length"); }', /^RangeError: bad length$/],
      ['function decodeUplink() { return { data: { n: 10n } }; }', /^decoder result is not serialisable: TypeError: .*BigInt/i],
      [
        'function decodeUplink() { var o = {}; o.o = o; return { data: o }; }',
        /^decoder result is not serialisable: TypeError: .*circular/i,
      ],
      ['function decodeUplink() { return { data: { s: "x".repeat(1e6) } }; }', /^decoder result larger than 262144 characters$/],
      ['function decodeUplink() { return 42; }', /^decodeUplink must return an object/],
    ];
    const crashes = pool.stats().crashes;
    const outs = await Promise.all(cases.map(([src]) => pool.run(null, src, { fn: 'decodeUplink', input })));
    outs.forEach((out, i) => {
      expect(out.data).toBeNull();
      expect(out.errors[0]).toMatch(cases[i]![1]);
    });
    expect(pool.stats().crashes).toBe(crashes);
  });

  it('keeps compiled decoders in the threads, by key', async () => {
    const v1 = 'function decodeUplink() { return { data: { v: 1 } }; }';
    const v2 = 'function decodeUplink() { return { data: { v: 2 } }; }';
    expect((await pool.run('cache:1', v1, { fn: 'decodeUplink', input })).data).toEqual({ v: 1 });
    // Same key: the thread that compiled it answers from its cache (the new text is not even sent).
    expect((await pool.run('cache:1', v2, { fn: 'decodeUplink', input })).data).toEqual({ v: 1 });
    expect((await pool.run('cache:2', v2, { fn: 'decodeUplink', input })).data).toEqual({ v: 2 });
  });

  it('does not run a cached decoder stopped three times in a row for a while, so a flood of its uplinks costs nothing', async () => {
    const key = 'strikes:1';
    const loop = 'function decodeUplink(input) { if (input.bytes[0] === 7) return { data: { ok: true } }; for (;;) {} }';
    // A success between failures clears the count.
    expect((await pool.run(key, loop, { fn: 'decodeUplink', input })).errors[0]).toMatch(/^timeout: /);
    expect((await pool.run(key, loop, { fn: 'decodeUplink', input })).errors[0]).toMatch(/^timeout: /);
    expect((await pool.run(key, loop, { fn: 'decodeUplink', input: { ...input, bytes: [7] } })).data).toEqual({ ok: true });
    for (let i = 0; i < 3; i++)
      expect((await pool.run(key, loop, { fn: 'decodeUplink', input })).errors[0]).toMatch(/^timeout: .*300 ms budget and was stopped$/);
    const before = pool.stats();
    const t0 = Date.now();
    const flood = await Promise.all(
      Array.from({ length: 50 }, () => pool.run(key, loop, { fn: 'decodeUplink', input: { ...input, bytes: [7] } })),
    );
    expect(Date.now() - t0).toBeLessThan(50);
    expect(
      flood.every((r) => r.data === null && /^timeout: .*\(not run: stopped 3 times in a row, runs again from \d{4}-/.test(r.errors[0]!)),
    ).toBe(true);
    expect(pool.stats().skipped).toBe(before.skipped + 50);
    // Other decoders, and a new version of this one, run as usual.
    expect((await pool.run('good:1', GOOD, { fn: 'decodeUplink', input })).data).toEqual({ n: 3, first: 1 });
    expect((await pool.run('strikes:2', loop, { fn: 'decodeUplink', input: { ...input, bytes: [7] } })).data).toEqual({ ok: true });
    // After the quarantine it runs again.
    const short = new DecoderPool({ size: 1, limits: { timeoutMs: 50 }, quarantineMs: 300, strikes: 1 });
    try {
      expect((await short.run(key, loop, { fn: 'decodeUplink', input })).errors[0]).toMatch(/^timeout: /);
      expect((await short.run(key, loop, { fn: 'decodeUplink', input: { ...input, bytes: [7] } })).errors[0]).toMatch(/not run/);
      await new Promise((r) => setTimeout(r, 350));
      expect((await short.run(key, loop, { fn: 'decodeUplink', input: { ...input, bytes: [7] } })).data).toEqual({ ok: true });
    } finally {
      await short.close();
    }
  });

  it('sends waiting calls in batches, and a runaway call inside a batch costs only itself', async () => {
    // One thread, so the waiting calls go to it in batches of 8.
    const single = new DecoderPool({ size: 1, limits: { timeoutMs: BUDGET }, batchMax: 8 });
    try {
      await single.ready();
      const hang = "function decodeUplink() { return { data: { m: /^(a+)+$/.test('a'.repeat(40) + 'b') } }; }";
      const calls = Array.from({ length: 30 }, (_, i) =>
        i === 11
          ? single.run('hang:1', hang, { fn: 'decodeUplink', input })
          : single.run(`batch:${i % 3}`, GOOD, { fn: 'decodeUplink', input: { ...input, bytes: [i] } }),
      );
      const t0 = Date.now();
      const outs = await Promise.all(calls);
      expect(Date.now() - t0).toBeLessThan(BOUND + 1000);
      outs.forEach((out, i) => {
        if (i === 11) expect(out.errors).toEqual([`timeout: the decoder ran longer than its ${BUDGET} ms budget and was stopped`]);
        else expect(out).toEqual({ data: { n: 1, first: i }, warnings: [], errors: [] });
      });
      expect(single.stats()).toMatchObject({ timeouts: 1, crashes: 0, threads: 1, queued: 0 });
    } finally {
      await single.close();
    }
  });

  it('decodes many calls at once across the threads, in order of their answers', async () => {
    const src = 'function decodeUplink(input) { return { data: { b: input.bytes[0] } }; }';
    const outs = await Promise.all(
      Array.from({ length: 500 }, (_, i) => pool.run('many:1', src, { fn: 'decodeUplink', input: { ...input, bytes: [i % 256] } })),
    );
    expect(outs.map((o) => o.data!.b)).toEqual(Array.from({ length: 500 }, (_, i) => i % 256));
  });
});
