/**
 * B3 — live fan-out: BENCH_CLIENTS (2,000; up to 10,000) authenticated Socket.io clients of the root
 * scope on one API process (then, unless BENCH_B3_TWO=0, half on each of two API processes sharing the Redis
 * stream); the bench emits one reading event per second for BENCH_B3_SECONDS (30;
 * the issue asks 300) through the Redis Streams adapter exactly as a worker does, and every client
 * times emit → receive. Baseline in the same run: a bare Socket.io server (bench/lib/raw-socket-server.js)
 * with the same clients and event size. Server memory per connection = RSS growth / clients.
 */
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
  Report,
  REDIS_URL,
  req,
  sleep,
  startApi,
  startNode,
  stats,
  uptime,
  waterDb,
} from './lib/common';

const rssOf = (pid: number) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) * 1024;

async function connectAll(url: string, n: number, token: string | undefined, onEvent: (sentAt: number) => void) {
  const { io } = req('socket.io-client') as typeof import('socket.io-client');
  const sockets: ReturnType<typeof io>[] = [];
  let failed = 0;
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, n - i) },
        () =>
          new Promise<void>((resolve) => {
            const s = io(url, {
              path: '/api/socket.io',
              transports: ['websocket'],
              auth: token ? { token } : {},
              reconnection: false,
              forceNew: true,
            });
            const t = setTimeout(() => {
              failed++;
              resolve();
            }, 20_000);
            s.once('ready', () => {
              clearTimeout(t);
              resolve();
            });
            s.once('connect_error', () => {
              clearTimeout(t);
              failed++;
              resolve();
            });
            s.on('reading.created', (e: { sentAt: number }) => onEvent(e.sentAt));
            sockets.push(s);
          }),
      ),
    );
  }
  return { sockets, failed };
}

async function measure(
  label: string,
  n: number,
  seconds: number,
  connect: (onEvent: (sentAt: number) => void) => Promise<{ sockets: { close(): void }[]; failed: number }>,
  emit: () => Promise<void>,
  rss: () => number,
) {
  const lat: number[] = [];
  const rss0 = rss();
  const t0 = now();
  const { sockets, failed } = await connect((sentAt) => lat.push(Date.now() - sentAt));
  const connectMs = now() - t0;
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
  await sleep(2000);
  const load = uptime();
  for (const s of sockets) s.close();
  const connected = n - failed;
  const s = stats(lat);
  log(
    `B3 ${label}: ${connected}/${n} connected in ${Math.round(connectMs)} ms, ${s.n}/${emitted * connected} delivered, p50 ${s.p50} p99 ${s.p99} ms, +${Math.round((rss1 - rss0) / 1024 / Math.max(1, connected))} KB RSS/connection [${load}]`,
  );
  return {
    connected,
    emitted,
    delivered: s.n,
    expected: emitted * connected,
    latency: s,
    perConnKB: (rss1 - rss0) / 1024 / Math.max(1, connected),
    connectMs,
    load,
  };
}

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
  let raw: Awaited<ReturnType<typeof startNode>> | undefined;
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let api2: Awaited<ReturnType<typeof startApi>> | undefined;
  const redis = new IORedis(REDIS_URL);
  let emitter: { of(ns: string): { adapter: unknown }; to(room: string): { emit(e: string, p: unknown): void } } | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 1 });
    // Baseline: bare Socket.io, measured before and after the API (the machine's load moves); the better run counts.
    const rawPort = PORT_BASE + 30;
    const rawRun = async (label: string) => {
      raw = await startNode(
        [path.join(__dirname, 'lib/raw-socket-server.js'), String(rawPort)],
        { API_DIR },
        async () => (await fetch(`http://127.0.0.1:${rawPort}/mem`)).ok,
      );
      const pid = raw.proc.pid!;
      const r = await measure(
        label,
        n,
        seconds,
        (on) => connectAll(`http://127.0.0.1:${rawPort}`, n, undefined, on),
        async () => void (await fetch(`http://127.0.0.1:${rawPort}/emit`)),
        () => rssOf(pid),
      );
      await raw.stop();
      raw = undefined;
      return r;
    };
    const rawBefore = await rawRun('raw socket.io (before)');

    api = await startApi(db.url, PORT_BASE + 31, prefix);
    const apiPid = api.proc.pid!;
    const tenant = (await pool.query(`SELECT id::text FROM tenant WHERE parent_id IS NULL`)).rows[0].id;
    emitter = new Server({ adapter: createAdapter(redis, { streamName: `${prefix}:socket.io`, maxLen: 100_000 }) });
    const payload = () => ({
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
    const token = api.token;
    const res = await measure(
      'API (Redis Streams adapter)',
      n,
      seconds,
      (on) => connectAll(api!.base, n, token, on),
      async () => emitter!.to(`tenant:${tenant}`).emit('reading.created', payload()),
      () => rssOf(apiPid),
    );
    // The same clients split over two API processes: every event crosses the Redis stream to both.
    let two: Awaited<ReturnType<typeof measure>> | undefined;
    if (process.env.BENCH_B3_TWO !== '0') {
      api2 = await startApi(db.url, PORT_BASE + 32, prefix);
      const api2Pid = api2.proc.pid!;
      two = await measure(
        'two API processes (Redis Streams adapter)',
        n,
        seconds,
        async (on) => {
          const a = await connectAll(api!.base, Math.ceil(n / 2), token, on);
          const b = await connectAll(api2!.base, Math.floor(n / 2), token, on);
          return { sockets: [...a.sockets, ...b.sockets], failed: a.failed + b.failed };
        },
        async () => emitter!.to(`tenant:${tenant}`).emit('reading.created', payload()),
        () => rssOf(apiPid) + rssOf(api2Pid),
      );
      await api2.stop();
      api2 = undefined;
    }
    const rawAfter = await rawRun('raw socket.io (after)');
    const base = rawBefore.latency.p99 <= rawAfter.latency.p99 ? rawBefore : rawAfter;
    report.extra.raw = { before: rawBefore, after: rawAfter };
    report.extra.api = res;
    report.add({
      metric: `p99 emit→receive, ${res.connected} clients`,
      value: res.latency.p99,
      unit: 'ms',
      baseline: { name: 'bare Socket.io p99', value: base.latency.p99 },
      target: '≤ 1.2× raw',
      met: res.latency.p99 <= 1.2 * base.latency.p99,
      load: res.load,
      note: `p50 ${res.latency.p50} vs ${base.latency.p50} ms`,
    });
    report.add({
      metric: 'delivered',
      value: res.delivered / Math.max(1, res.expected),
      unit: 'ratio',
      baseline: { name: 'bare Socket.io', value: base.delivered / Math.max(1, base.expected) },
      target: '100%',
      met: res.delivered === res.expected && res.connected === n,
      load: res.load,
      note: `${res.delivered}/${res.expected}`,
    });
    report.add({
      metric: 'server RSS per connection',
      value: res.perConnKB,
      unit: 'KB',
      baseline: { name: 'bare Socket.io', value: base.perConnKB },
      target: '≤ 20 KB',
      met: res.perConnKB <= 20,
      load: res.load,
    });
    if (two) {
      report.extra.twoProcesses = two;
      report.add({
        metric: `two API processes: p99 emit→receive, ${two.connected} clients`,
        value: two.latency.p99,
        unit: 'ms',
        baseline: { name: 'bare Socket.io p99', value: base.latency.p99 },
        target: '≤ 1.2× raw',
        met: two.latency.p99 <= 1.2 * base.latency.p99,
        load: two.load,
        note: `p50 ${two.latency.p50} ms, half the clients on each process`,
      });
      report.add({
        metric: 'two API processes: delivered',
        value: two.delivered / Math.max(1, two.expected),
        unit: 'ratio',
        target: '100%',
        met: two.delivered === two.expected && two.connected === n,
        load: two.load,
        note: `${two.delivered}/${two.expected}`,
      });
    }
  } finally {
    // A listener-less server has no engine: close its adapter only (as LiveEventsService does).
    await Promise.resolve((emitter?.of('/').adapter as { close?: () => unknown } | undefined)?.close?.());
    await raw?.stop();
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

if (require.main === module)
  b3().catch((e) => {
    console.error(e);
    process.exit(1);
  });
