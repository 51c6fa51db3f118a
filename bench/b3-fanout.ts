/**
 * B3 — live fan-out: BENCH_CLIENTS (2,000; the issue: 20,000) authenticated Socket.io clients of the root
 * scope; the bench emits one reading event per second for BENCH_B3_SECONDS (30; bound a 20,000-client run
 * to 120–180 s) through the Redis Streams adapter exactly as a worker does, and every client times
 * emit → receive. Up to 10,000 clients also run against one API process; then (unless BENCH_B3_TWO=0) the
 * same clients split over two API processes sharing the Redis stream. Baseline in the same run: bare
 * Socket.io (bench/lib/raw-socket-server.js) with the same clients and event size, on as many processes
 * as the API run needs, before and after the API. Server memory per connection = RSS growth / clients.
 *
 * A process may hold at most `ulimit -n` sockets (20,000 here), so the clients live in child processes of
 * ≤ PER_PROCESS each (bench/lib/socket-clients.js) and every server process holds ≤ PER_PROCESS.
 *
 * BENCH_B3_IDLE=1: instead, idle authenticated clients on one API process in steps up to BENCH_B3_IDLE_MAX
 * (19,000), RSS after each step, and how many fit in 1 GiB at the measured slope.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  API_DIR,
  clearRedisPrefix,
  createBenchDb,
  env,
  log,
  now,
  PORT_BASE,
  profiling,
  Report,
  REDIS_URL,
  req,
  sleep,
  startApi,
  startNode,
  uptime,
  waterDb,
} from './lib/common';

const rssOf = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) * 1024;
/** Sockets one process (client or server) holds at most: half the 20,000 open files a process may have here. */
const PER_PROCESS = 10_000;

type Hist = Map<number, number>;

/** p50/p99/max of a histogram of whole milliseconds. */
function histStats(hist: Hist) {
  const keys = [...hist.keys()].sort((a, b) => a - b);
  const n = keys.reduce((a, k) => a + hist.get(k)!, 0);
  const at = (p: number) => {
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    let seen = 0;
    for (const k of keys) if ((seen += hist.get(k)!) >= rank) return k;
    return NaN;
  };
  return { n, p50: at(50), p95: at(95), p99: at(99), max: keys[keys.length - 1] ?? NaN };
}

/** Child processes of ≤ PER_PROCESS clients each, spread over the servers' urls as `split` says. */
class ClientFleet {
  private readonly children: { proc: ChildProcess; url: string; n: number }[] = [];

  constructor(split: { url: string; n: number }[]) {
    for (const { url, n } of split)
      for (let i = 0; i < n; i += PER_PROCESS) {
        const proc = fork(path.join(__dirname, 'lib/socket-clients.js'), [], {
          env: { ...process.env, API_DIR },
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        });
        this.children.push({ proc, url, n: Math.min(PER_PROCESS, n - i) });
      }
  }

  private ask<T>(proc: ChildProcess, message: object, type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }) => {
        if (m.type !== type) return;
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number) => reject(new Error(`client process exited ${code}`));
      proc.on('message', onMessage);
      proc.once('exit', onExit);
      proc.send(message);
    });
  }

  /** Connects the children one after another (each connects 100 at a time), so connect times are comparable. */
  async connect(token: string | undefined): Promise<{ failed: number; ms: number }> {
    let failed = 0;
    const t0 = now();
    for (const c of this.children)
      failed += (await this.ask<{ failed: number }>(c.proc, { cmd: 'connect', url: c.url, n: c.n, token }, 'connected')).failed;
    return { failed, ms: now() - t0 };
  }

  async collect(): Promise<Hist> {
    const hist: Hist = new Map();
    for (const c of this.children) {
      const r = await this.ask<{ hist: [number, number][] }>(c.proc, { cmd: 'collect' }, 'latency');
      for (const [ms, count] of r.hist) hist.set(ms, (hist.get(ms) ?? 0) + count);
    }
    return hist;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.proc.exitCode !== null) return resolve();
            c.proc.once('exit', () => resolve());
            c.proc.send({ cmd: 'close' });
            setTimeout(() => c.proc.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  }
}

/** Clients spread evenly over the servers' urls. */
const spread = (urls: string[], n: number) =>
  urls.map((url, i) => ({ url, n: Math.floor(n / urls.length) + (i < n % urls.length ? 1 : 0) }));

async function measure(
  label: string,
  n: number,
  seconds: number,
  urls: string[],
  token: string | undefined,
  emit: () => Promise<void>,
  rss: () => number,
) {
  const fleet = new ClientFleet(spread(urls, n));
  try {
    const rss0 = rss();
    const { failed, ms: connectMs } = await fleet.connect(token);
    await sleep(2000);
    const rss1 = rss();
    let emitted = 0;
    const end = now() + seconds * 1000;
    while (now() < end) {
      const tick = now();
      await emit();
      emitted++;
      await sleep(Math.max(0, 1000 - (now() - tick)));
    }
    // Late events still count as delivered (their lateness is in the latency): wait until none arrive for 2 s (at most 30 s).
    const drainEnd = now() + 30_000;
    let hist = await fleet.collect();
    for (let before = -1; now() < drainEnd && histStats(hist).n !== before && histStats(hist).n < emitted * (n - failed);) {
      before = histStats(hist).n;
      await sleep(2000);
      hist = await fleet.collect();
    }
    const load = uptime();
    const latency = histStats(hist);
    const connected = n - failed;
    const perConnKB = (rss1 - rss0) / 1024 / Math.max(1, connected);
    log(
      `B3 ${label}: ${connected}/${n} connected in ${Math.round(connectMs)} ms, ${latency.n}/${emitted * connected} delivered, p50 ${latency.p50} p99 ${latency.p99} ms, +${perConnKB.toFixed(1)} KB RSS/connection [${load}]`,
    );
    return { connected, emitted, delivered: latency.n, expected: emitted * connected, latency, perConnKB, connectMs, load };
  } finally {
    await fleet.close();
  }
}

/** The reading event the API's clients receive, as a worker's uplink would send it. */
const readingPayload = (tenant: string) => ({
  sentAt: Date.now(),
  tenantId: tenant,
  deviceId: '00000000-0000-0000-0000-000000000000',
  meterId: null,
  meterSerialNo: 'X',
  subscriptionId: null,
  time: new Date().toISOString(),
  indexM3: 1,
  consumptionM3: 0.02,
  batteryPct: 90,
  rssi: -90,
  snr: 5,
  alarms: [],
  valveState: null,
  quality: 'VALID',
  qualityRule: null,
  receivedAt: new Date().toISOString(),
});

export async function b3() {
  const report = new Report('B3');
  const n = env('BENCH_CLIENTS', 2000);
  const seconds = env('BENCH_B3_SECONDS', 30);
  const db = await createBenchDb('b3');
  const pool = waterDb.createPool(db.url, { max: 2 });
  const prefix = `bench:b3:${process.pid}`;
  const IORedis = req('ioredis');
  const { createAdapter } = req('@socket.io/redis-streams-adapter');
  const { Server } = req('socket.io');
  const raws: Awaited<ReturnType<typeof startNode>>[] = [];
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let api2: Awaited<ReturnType<typeof startApi>> | undefined;
  const redis = new IORedis(REDIS_URL);
  let emitter: { of(ns: string): { adapter: unknown }; to(room: string): { emit(e: string, p: unknown): void } } | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 1 });
    if (process.env.BENCH_B3_IDLE === '1') {
      await idle(report, db.url, prefix);
      return report;
    }
    // Baseline: bare Socket.io on as many processes as the clients need, measured before and after the API
    // (the machine's load moves); the better run counts.
    const servers = Math.ceil(n / PER_PROCESS);
    const rawRun = async (label: string) => {
      const ports = Array.from({ length: servers }, (_, i) => PORT_BASE + 30 + i * 5);
      for (const port of ports)
        raws.push(
          await startNode(
            [path.join(__dirname, 'lib/raw-socket-server.js'), String(port)],
            { API_DIR },
            async () => (await fetch(`http://127.0.0.1:${port}/mem`)).ok,
          ),
        );
      const pids = raws.map((r) => r.proc.pid!);
      const r = await measure(
        `${label}, ${servers} process(es)`,
        n,
        seconds,
        ports.map((p) => `http://127.0.0.1:${p}`),
        undefined,
        // Not awaited, as the API's emits are not: a busy server must not slow the bench's one event a second.
        async () => {
          const body = JSON.stringify(readingPayload('bench'));
          for (const p of ports) void fetch(`http://127.0.0.1:${p}/emit`, { method: 'POST', body }).catch(() => undefined);
        },
        () => pids.reduce((a, pid) => a + rssOf(pid), 0),
      );
      for (const raw of raws.splice(0)) await raw.stop();
      return r;
    };
    const rawBefore = await rawRun('raw socket.io (before)');

    api = await startApi(db.url, PORT_BASE + 31, prefix, {}, profiling() ? 'api-b3-1' : undefined);
    const apiPid = api.proc.pid!;
    const tenant = (await pool.query(`SELECT id::text FROM tenant WHERE parent_id IS NULL`)).rows[0].id;
    emitter = new Server({ adapter: createAdapter(redis, { streamName: `${prefix}:socket.io`, maxLen: 100_000 }) });
    const emit = async () => emitter!.to(`tenant:${tenant}`).emit('reading.created', readingPayload(tenant));
    const token = api.token;
    // One API process holds at most PER_PROCESS clients.
    const one =
      n <= PER_PROCESS ? await measure('API (Redis Streams adapter)', n, seconds, [api.base], token, emit, () => rssOf(apiPid)) : undefined;
    // The same clients split over two API processes: every event crosses the Redis stream to both.
    let two: Awaited<ReturnType<typeof measure>> | undefined;
    if (process.env.BENCH_B3_TWO !== '0' || !one) {
      api2 = await startApi(db.url, PORT_BASE + 32, prefix, {}, profiling() ? 'api-b3-2' : undefined);
      const api2Pid = api2.proc.pid!;
      two = await measure(
        'two API processes (Redis Streams adapter)',
        n,
        seconds,
        [api.base, api2.base],
        token,
        emit,
        () => rssOf(apiPid) + rssOf(api2Pid),
      );
      await api2.stop();
      api2 = undefined;
    }
    await api.stop();
    api = undefined;
    const rawAfter = await rawRun('raw socket.io (after)');
    const base = rawBefore.latency.p99 <= rawAfter.latency.p99 ? rawBefore : rawAfter;
    report.extra.raw = { before: rawBefore, after: rawAfter };
    const runs: [string, Awaited<ReturnType<typeof measure>>][] = [];
    if (one) runs.push(['', one]);
    if (two) runs.push(['two API processes: ', two]);
    for (const [prefixText, r] of runs) {
      report.extra[prefixText ? 'twoProcesses' : 'api'] = r;
      report.add({
        metric: `${prefixText}p99 emit→receive, ${r.connected} clients`,
        value: r.latency.p99,
        unit: 'ms',
        baseline: { name: `bare Socket.io p99 (${servers} process(es))`, value: base.latency.p99 },
        target: '≤ 1.2× raw',
        met: r.latency.p99 <= 1.2 * base.latency.p99,
        load: r.load,
        note: `p50 ${r.latency.p50} vs ${base.latency.p50} ms, ${seconds} s`,
      });
      report.add({
        metric: `${prefixText}delivered`,
        value: r.delivered / Math.max(1, r.expected),
        unit: 'ratio',
        baseline: { name: 'bare Socket.io', value: base.delivered / Math.max(1, base.expected) },
        target: '100%',
        met: r.delivered === r.expected && r.connected === n,
        load: r.load,
        note: `${r.delivered}/${r.expected}`,
      });
      report.add({
        metric: `${prefixText}server RSS per connection`,
        value: r.perConnKB,
        unit: 'KB',
        baseline: { name: 'bare Socket.io', value: base.perConnKB },
        target: '≤ 15 KB',
        met: r.perConnKB <= 15,
        load: r.load,
      });
    }
  } finally {
    // A listener-less server has no engine: close its adapter only (as LiveEventsService does).
    await Promise.resolve((emitter?.of('/').adapter as { close?: () => unknown } | undefined)?.close?.());
    for (const raw of raws) await raw.stop();
    await api2?.stop();
    await api?.stop();
    redis.disconnect();
    await clearRedisPrefix(prefix);
    await pool.end();
    await db.drop();
  }
  report.write();
  return report;
}

/** Idle authenticated connections on one API process: RSS at each step, and the count 1 GiB holds at the fitted slope. */
async function idle(report: Report, url: string, prefix: string) {
  const max = Math.min(env('BENCH_B3_IDLE_MAX', 19_000), 19_500);
  const step = env('BENCH_B3_IDLE_STEP', 4_750);
  const api = await startApi(url, PORT_BASE + 31, prefix);
  const pid = api.proc.pid!;
  const fleets: ClientFleet[] = [];
  const points: { clients: number; rssMB: number }[] = [];
  try {
    await sleep(2000);
    points.push({ clients: 0, rssMB: rssOf(pid) / 2 ** 20 });
    let clients = 0;
    while (clients < max) {
      const add = Math.min(step, max - clients);
      const fleet = new ClientFleet([{ url: api.base, n: add }]);
      fleets.push(fleet);
      const { failed } = await fleet.connect(api.token);
      if (failed) throw new Error(`${failed} idle clients could not connect`);
      clients += add;
      // Let a few re-check ticks and a revalidation pass run over the new sockets before reading RSS.
      await sleep(8000);
      points.push({ clients, rssMB: rssOf(pid) / 2 ** 20 });
      log(`B3 idle: ${clients} clients, RSS ${points[points.length - 1].rssMB.toFixed(1)} MB [${uptime()}]`);
    }
  } finally {
    for (const f of fleets) await f.close();
    await api.stop();
  }
  // Least-squares slope over the steps with clients (the first socket's one-time costs are in the intercept).
  const xs = points.map((p) => p.clients);
  const ys = points.map((p) => p.rssMB);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slopeMB = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const intercept = my - slopeMB * mx;
  const fit = Math.floor((1024 - intercept) / slopeMB);
  report.extra.idle = { points, slopeKB: slopeMB * 1024, interceptMB: intercept };
  report.add({
    metric: `idle authenticated connections one API process holds in 1 GiB (fitted over ${points.map((p) => p.clients).join('/')})`,
    value: fit,
    unit: 'connections',
    note: `${(slopeMB * 1024).toFixed(2)} KB a connection, ${intercept.toFixed(0)} MB at none; ${points[points.length - 1].rssMB.toFixed(0)} MB at ${xs[xs.length - 1]}`,
  });
  report.write();
}

if (require.main === module)
  b3().catch((e) => {
    console.error(e);
    process.exit(1);
  });
