/**
 * B1 — end-to-end ingest: TTN webhook → queue → QuickJS decode → stored reading → Socket.io event.
 * The API and one worker run as child processes (apps/api/dist). BENCH_DEVICES (10,000) LoRaWAN
 * devices are cloned from the seeded ones with their own DevEUIs; autocannon posts TTN uplinks
 * open-loop (overallRate) at rising rates (BENCH_B1_RATES, 15 s each), then at 3× the highest rate the
 * whole pipeline sustained for BENCH_B1_OVERLOAD_S (30 s; the issue asks 120). A socket.io client
 * (root scope) times webhook → 'readings.batch'. Afterwards the backlog drains (bounded) and stored
 * readings are counted against accepted (202) uplinks: zero loss means equal.
 * Each step also reports the CPU time the API spent per accepted webhook and the worker per stored
 * uplink (from /proc: a cost the machine's load does not inflate, unlike a rate).
 * Baseline in the same run (issue 14): a bare Fastify route that does only the Redis enqueue
 * (bench/lib/bare-ingest-server.js: the same envelope, batched into BullMQ jobs as the API batches them),
 * offered BENCH_B1_BARE_RATE (10,000/s) for one step: the ceiling of this machine with this load generator.
 * BENCH_B1_API_PROCESSES=2 runs a second API process on the node, the load generator's connections spread
 * round-robin over both (as a load balancer in front of the node would); the live watcher stays on the first.
 */
import {
  clearRedisPrefix,
  createBenchDb,
  env,
  log,
  now,
  PORT_BASE,
  processCpuMs,
  REDIS_URL,
  profileArgs,
  profiledScript,
  profiling,
  Report,
  req,
  sleep,
  startApi,
  startNode,
  stats,
  uptime,
  waterDb,
  apiEnv,
  API_DIR,
  WORKER_ENTRY,
} from './lib/common';
import path from 'node:path';
import { cloneFleet } from './lib/generate';

const HOUR = 3_600_000;
/** What issue 14 asks of B1, sustained end to end; 10,000/s is the goal after it. */
const TARGET_PER_S = 5_000;

export async function b1() {
  const report = new Report('B1');
  const devicesN = env('BENCH_DEVICES', 10_000);
  const rates = (process.env.BENCH_B1_RATES || '250,500,1000,2000,4000').split(',').map(Number);
  const stepS = env('BENCH_B1_STEP_S', 15);
  const overloadS = env('BENCH_B1_OVERLOAD_S', 30);
  const drainS = env('BENCH_B1_DRAIN_S', 120);
  const bareRate = env('BENCH_B1_BARE_RATE', 10_000);
  const autocannon = req('autocannon');
  const { io } = req('socket.io-client') as typeof import('socket.io-client');
  const db = await createBenchDb('b1');
  const pool = waterDb.createPool(db.url, { max: 2 });
  const prefix = `bench:b1:${process.pid}`;
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  /** BENCH_B1_API_PROCESSES=2: more API processes on the node, the load generator's connections spread over them. */
  const more: Awaited<ReturnType<typeof startApi>>[] = [];
  let worker: Awaited<ReturnType<typeof startNode>> | undefined;
  let socket: ReturnType<typeof io> | undefined;
  let bare: Awaited<ReturnType<typeof startNode>> | undefined;
  try {
    await waterDb.seed(pool, { readingDays: 2 });
    // Clone LoRaWAN devices only (TTN webhook), each with a fresh DevEUI.
    await pool.query(
      `UPDATE device SET status = 'PASSIVE' WHERE id NOT IN (SELECT i.device_id FROM device_identifier i JOIN communication_technology_field f ON f.id = i.field_id JOIN communication_technology ct ON ct.id = f.technology_id WHERE ct.code = 'LORAWAN' AND f.key = 'DevEUI')`,
    );
    await pool.query(
      `UPDATE meter SET status = 'PASSIVE' WHERE id IN (SELECT meter_id FROM device WHERE status = 'PASSIVE' AND meter_id IS NOT NULL)`,
    );
    // cloneFleet copies every meter/device pair; keep the LoRaWAN ones (status stays ACTIVE for clones of any source, so filter after).
    await cloneFleet(pool, devicesN * 3);
    await pool.query(`DELETE FROM bench_fleet f USING device d WHERE d.id = f.src_device AND d.status = 'PASSIVE'`);
    await pool.query(`DELETE FROM device WHERE serial_no LIKE 'B%-%' AND id NOT IN (SELECT device_id FROM bench_fleet)`);
    await pool.query(`DELETE FROM meter WHERE serial_no LIKE 'B%-%' AND id NOT IN (SELECT meter_id FROM bench_fleet)`);
    await pool.query(`DELETE FROM bench_fleet WHERE k IN (SELECT k FROM bench_fleet ORDER BY k OFFSET $1)`, [devicesN]);
    await pool.query(`DELETE FROM device WHERE serial_no LIKE 'B%-%' AND id NOT IN (SELECT device_id FROM bench_fleet)`);
    await pool.query(`DELETE FROM meter WHERE serial_no LIKE 'B%-%' AND id NOT IN (SELECT meter_id FROM bench_fleet)`);
    await pool.query(
      `INSERT INTO device_identifier (device_id, field_id, value, normalized_value, is_unique)
       SELECT f.device_id, i.field_id, 'BE' || lpad(to_hex(f.k), 14, '0'), lower('BE' || lpad(to_hex(f.k), 14, '0')), true
         FROM bench_fleet f JOIN device_identifier i ON i.device_id = f.src_device AND i.is_unique`,
    );
    const fleet = (
      await pool.query(
        `SELECT f.device_id::text, 'BE' || lpad(to_hex(f.k), 14, '0') AS eui, p.model_code FROM bench_fleet f JOIN device d ON d.id = f.device_id JOIN device_profile p ON p.id = d.device_profile_id ORDER BY f.k`,
      )
    ).rows as { device_id: string; eui: string; model_code: string }[];
    const { PROFILE_KEYS } = await import('./lib/devices');
    log(`B1: ${fleet.length} LoRaWAN devices ready [${uptime()}]`);

    const base = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;
    /** The i-th TTN uplink of the run: devices in turn, each next frame an hour later. */
    const ttnUplink = (i: number) => {
      const d = fleet[i % fleet.length];
      const frame = Math.floor(i / fleet.length) + 1;
      const time = new Date(base + frame * HOUR).toISOString();
      const up = waterDb.encodeUplink(PROFILE_KEYS[d.model_code], { indexM3: 100 + frame * 0.021, batteryPct: 80 });
      const json = JSON.stringify({
        end_device_ids: { dev_eui: d.eui },
        received_at: time,
        uplink_message: {
          f_port: up.fPort,
          f_cnt: frame,
          frm_payload: up.payload.toString('base64'),
          rx_metadata: [{ rssi: -90, snr: 5 }],
        },
      });
      return { json, key: `${d.device_id}|${time}` };
    };
    const statuses: Record<string, number> = {};
    let retryAfter = 0;
    /** Posts open-loop at `rate` for `seconds`; the statuses of this run and the CPU the target process spent. */
    const post = async (
      target: { base: string | string[]; pid: number | number[] },
      route: string,
      headers: Record<string, string>,
      rate: number,
      seconds: number,
      body: () => string,
    ) => {
      const before = { ...statuses };
      const cpu = () => [target.pid].flat().reduce((sum, pid) => sum + processCpuMs(pid), 0);
      const cpu0 = cpu();
      const urls = [target.base].flat();
      const result = await autocannon({
        url: urls.length === 1 ? urls[0] : urls,
        // Each connection waits for its answer before the next request, so the offered rate needs
        // connections ≥ rate × mean latency: rate/20 (until session 9) capped 1,000/s at 50 ms a request,
        // and the step then measured the latency, not the API. rate/5 allows 200 ms; a whole number per process.
        connections:
          Math.ceil(Math.min(2000, Math.max(20, Math.ceil(rate / env('BENCH_B1_RATE_PER_CONNECTION', 5)))) / urls.length) * urls.length,
        overallRate: rate,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: route,
            headers: { 'content-type': 'application/json', ...headers },
            setupRequest: (r: object) => ({ ...r, body: body() }),
            onResponse: (status: number, _b: unknown, _c: unknown, h: Record<string, string>) => {
              statuses[status] = (statuses[status] ?? 0) + 1;
              if ((status === 429 || status === 503) && h?.['retry-after']) retryAfter++;
            },
          },
        ],
      });
      const cpuMs = cpu() - cpu0;
      const delta = Object.fromEntries(Object.entries(statuses).map(([k, v]) => [k, v - (before[k] ?? 0)]));
      return { result, delta, cpuMs };
    };

    // Baseline first, alone on the machine: the bare route's enqueue-only ceiling, with the same bodies.
    const barePort = PORT_BASE + 12;
    bare = await startNode(
      [path.join(__dirname, 'lib/bare-ingest-server.js'), String(barePort), REDIS_URL, `${prefix}:bare`],
      { API_DIR },
      async () => (await fetch(`http://127.0.0.1:${barePort}/health`)).ok,
    );
    let bareSeq = 0;
    const bareTarget = { base: `http://127.0.0.1:${barePort}`, pid: bare.proc.pid! };
    await post(bareTarget, '/api/ingest/ttn/bare', {}, bareRate, 3, () => ttnUplink(bareSeq++).json); // warm-up
    const bareRun = await post(bareTarget, '/api/ingest/ttn/bare', {}, bareRate, stepS, () => ttnUplink(bareSeq++).json);
    await bare.stop();
    bare = undefined;
    // The API's counts start from zero.
    for (const k of Object.keys(statuses)) delete statuses[k];
    retryAfter = 0;
    const bareAccepted = (bareRun.delta['202'] ?? 0) / stepS;
    const bareCpuUs = (1000 * bareRun.cpuMs) / Math.max(1, bareRun.delta['202'] ?? 0);
    report.extra.bare = { rate: bareRate, statuses: bareRun.delta, p99: bareRun.result.latency.p99, cpuUsPerRequest: bareCpuUs };
    report.add({
      metric: `bare Fastify route + BullMQ enqueue, ${bareRate}/s offered for ${stepS} s: accepted`,
      value: bareAccepted,
      unit: 'uplinks/s',
      note: `HTTP p99 ${bareRun.result.latency.p99} ms, ${Math.round(bareCpuUs)} µs CPU a request, ${JSON.stringify(bareRun.delta)}`,
    });

    api = await startApi(db.url, PORT_BASE + 10, prefix, { DATABASE_POOL_SIZE: '10' }, profiling() ? 'api-b1' : undefined);
    for (let i = 1; i < env('BENCH_B1_API_PROCESSES', 1); i++)
      more.push(
        await startApi(db.url, PORT_BASE + 10 + 20 * i, prefix, { DATABASE_POOL_SIZE: '10' }, profiling() ? `api-b1-${i}` : undefined),
      );
    const root = (await pool.query(`SELECT id::text FROM tenant WHERE parent_id IS NULL`)).rows[0].id;
    const created = await fetch(`${api.base}/api/integrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
      body: JSON.stringify({ tenantId: root, kind: 'TTN', name: 'bench' }),
    });
    if (!created.ok) throw new Error(`integration: ${created.status} ${await created.text()}`);
    const integration = (await created.json()) as { id: string; secret: string };
    worker = await startNode(
      profiling() ? profiledScript(WORKER_ENTRY) : WORKER_ENTRY,
      apiEnv(db.url, PORT_BASE + 61, prefix),
      undefined,
      profiling() ? profileArgs('worker-b1') : [],
    );

    // Live watcher: webhook → reading.created latency, keyed by device and reading time.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let received = 0;
    socket = io(api.base, { path: '/api/socket.io', transports: ['websocket'], auth: { token: api.token } });
    await new Promise<void>((resolve, reject) => {
      socket!.once('ready', () => resolve());
      socket!.once('connect_error', reject);
      setTimeout(() => reject(new Error('socket not ready')), 10_000);
    });
    // Readings arrive coalesced per tenant room (LIVE_COALESCE_MS, each device's newest): a reading superseded
    // within one interval is never sent, so latencies are those of the readings that were.
    socket.on('readings.batch', (batch: { readings: { deviceId: string; time: string }[] }) => {
      for (const e of batch.readings) {
        received++;
        const key = `${e.deviceId}|${e.time}`;
        const t = sentAt.get(key);
        if (t !== undefined) {
          latencies.push(now() - t);
          sentAt.delete(key);
        }
      }
    });

    let seq = 0;
    const body = () => {
      const up = ttnUplink(seq++);
      sentAt.set(up.key, now());
      return up.json;
    };
    const apiTarget = { base: [api, ...more].map((a) => a.base), pid: [api, ...more].map((a) => a.proc.pid!) };
    const workerPid = worker.proc.pid!;
    const run = (rate: number, seconds: number) =>
      post(apiTarget, `/api/ingest/ttn/${integration.id}`, { 'x-integration-secret': integration.secret }, rate, seconds, body);
    const storedCount = async () =>
      Number((await pool.query(`SELECT count(*) AS n FROM reading WHERE time >= $1`, [new Date(base)])).rows[0].n);

    // Warm-up, not counted in the steps: both processes compile their hot paths and the API caches the devices.
    const warm = await run(rates[0], env('BENCH_B1_WARMUP_S', 5));
    log(`B1 warm-up at ${rates[0]}/s: ${JSON.stringify(warm.delta)} [${uptime()}]`);

    let sustainable = 0;
    let peakStored = 0;
    const steps: unknown[] = [];
    for (const rate of rates) {
      const s0 = await storedCount();
      const t0 = now();
      const w0 = processCpuMs(workerPid);
      const { result, delta, cpuMs } = await run(rate, stepS);
      const stored = (await storedCount()) - s0;
      const workerMs = processCpuMs(workerPid) - w0;
      const storedRate = stored / ((now() - t0) / 1000);
      const accepted = (delta['202'] ?? 0) / stepS;
      const step = {
        rate,
        acceptedPerS: Math.round(accepted),
        storedPerS: Math.round(storedRate),
        p99ms: result.latency.p99,
        meanMs: result.latency.mean,
        // What the load generator's closed connections could offer at this latency: a step near it measured the latency.
        connectionBoundPerS: Math.round((1000 * result.connections) / Math.max(1, result.latency.mean)),
        statuses: delta,
        apiCpuUsPerAccepted: Math.round((1000 * cpuMs) / Math.max(1, delta['202'] ?? 0)),
        workerCpuUsPerStored: Math.round((1000 * workerMs) / Math.max(1, stored)),
        load: uptime(),
      };
      steps.push(step);
      log(
        `B1 step ${rate}/s: accepted ${step.acceptedPerS}/s, stored ${step.storedPerS}/s, HTTP mean ${step.meanMs} ms p99 ${result.latency.p99} ms (${result.connections} connections: ≤ ${step.connectionBoundPerS}/s), ${JSON.stringify(delta)}; CPU µs: API ${step.apiCpuUsPerAccepted} an accepted webhook (bare ${Math.round(bareCpuUs)}), worker ${step.workerCpuUsPerStored} a stored uplink [${step.load}]`,
      );
      peakStored = Math.max(peakStored, storedRate);
      if (storedRate >= 0.9 * rate) sustainable = rate;
      else break;
    }
    report.extra.steps = steps;
    // Drain before overload so the overload figures start from an empty queue.
    const acceptedSoFar = () => statuses['202'] ?? 0;
    const drain = async (limitS: number) => {
      const end = now() + limitS * 1000;
      let n = await storedCount();
      while (n < acceptedSoFar() && now() < end) {
        await sleep(1000);
        n = await storedCount();
      }
      return n;
    };
    await drain(drainS);
    const e2e = stats(latencies);
    report.add({
      metric: 'sustained end-to-end rate (stored ≥ 90% of offered)',
      value: sustainable,
      unit: 'uplinks/s',
      baseline: { name: 'bare route + enqueue, accepted', value: Math.round(bareAccepted) },
      target: `≥ ${TARGET_PER_S.toLocaleString('en-US')}/s`,
      met: sustainable >= TARGET_PER_S,
      note: `steps ${rates.join(',')}; ThingsBoard publishes 5,000/s on 2 vCPU (load generator elsewhere); 10,000/s is the goal after`,
    });
    report.add({
      metric: 'webhook → socket p99 (rising steps)',
      value: e2e.p99,
      unit: 'ms',
      target: '≤ 1,000 ms',
      met: e2e.p99 <= 1000,
      note: `p50 ${e2e.p50} ms, ${e2e.n} events matched`,
    });

    // Overload: 3× the sustainable rate (at least the lowest step).
    const over = 3 * Math.max(sustainable, rates[0]);
    const o = await run(over, overloadS);
    const overLoad = uptime();
    const tDrain = now();
    const storedAtOverloadEnd = await storedCount();
    const finalStored = await drain(drainS);
    const drainMs = now() - tDrain;
    const drainRate = (finalStored - storedAtOverloadEnd) / (drainMs / 1000);
    const accepted = acceptedSoFar();
    const shed = (statuses['429'] ?? 0) + (statuses['503'] ?? 0);
    report.extra.overload = {
      rate: over,
      statuses: o.delta,
      p99: o.result.latency.p99,
      errors: o.result.errors,
      timeouts: o.result.timeouts,
      drainMs,
      load: overLoad,
    };
    report.add({
      metric: `overload ${over}/s for ${overloadS} s: accepted`,
      value: (o.delta['202'] ?? 0) / overloadS,
      unit: 'uplinks/s',
      note: `statuses ${JSON.stringify(o.delta)}, ${o.result.errors} errors, ${o.result.timeouts} timeouts, ${shed} shed (${retryAfter} with Retry-After)`,
      load: overLoad,
    });
    // autocannon stops counting responses at the end of a run while the last requests are still in
    // flight, so a few uplinks are stored without a counted 202: loss means stored < accepted.
    report.add({
      metric: 'zero loss: stored / accepted (202) after drain',
      value: finalStored / Math.max(1, accepted),
      unit: 'ratio',
      target: '≥ 1 (and ≤ sent)',
      met: finalStored >= accepted && finalStored <= seq,
      note: `${finalStored} stored, ${accepted} counted 202, ${seq} sent, backlog drained in ${Math.round(drainMs / 1000)} s`,
    });
    report.add({
      metric: 'worker drain rate after overload (1 worker)',
      value: drainRate,
      unit: 'uplinks/s',
      baseline: { name: 'ThingsBoard 2-vCPU published', value: 5000 },
      note: `peak stored rate during steps ${Math.round(peakStored)}/s`,
    });
    const all = stats(latencies);
    report.add({
      metric: 'webhook → socket p99 (whole run incl. overload)',
      value: all.p99,
      unit: 'ms',
      target: '≤ 1,000 ms',
      met: all.p99 <= 1000,
      note: `p50 ${all.p50} ms, ${all.n} matched, ${received} events received`,
    });
    const counts = await pool.query(`SELECT status, count(*)::int AS n FROM uplink WHERE received_at >= $1 GROUP BY 1`, [new Date(base)]);
    report.extra.uplinkStatuses = counts.rows;
  } finally {
    socket?.close();
    await bare?.stop();
    await worker?.stop();
    for (const a of more) await a.stop();
    await api?.stop();
    await clearRedisPrefix(prefix);
    await pool.end();
    await db.drop();
  }
  report.write();
  return report;
}

if (require.main === module)
  b1().catch((e) => {
    console.error(e);
    process.exit(1);
  });
