import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UplinkProcessor } from '../src/modules/ingest/uplink.processor';
import { compileApi, envOf, freePort, startNode, waitForHealth, type ChildNode } from './support/processes';
import { makeIntegration, makeLoraDevices, makeTenant, ttnUplink, type LoraDevice } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

interface Frame {
  deviceId: string;
  body: Record<string, unknown>;
}

type Outcome = 'accepted' | 'duplicate' | number | 'error';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A kill test builds, bursts, restarts and retries a real API process: 53–56 s at load 10, more than the suite's 60 s. */
const KILL_TEST_TIMEOUT_MS = 150_000;

/**
 * The ingest promise: a 202 means stored exactly once, whatever else is in the batch and whatever is
 * killed, and `duplicate` means queued already. API and worker run as real processes here, killed
 * with SIGKILL (and SIGTERM) in the middle of a burst while the client retries whatever got no 202.
 */
describe('ingest loses nothing', () => {
  let t: TestApp;
  let build: Awaited<ReturnType<typeof compileApi>>;
  let worker: INestApplicationContext | undefined;
  const children: ChildNode[] = [];
  let integ: { id: string; secret: string };
  let devices: LoraDevice[];
  let round = 0;

  beforeAll(async () => {
    t = await startTestApp('noloss', {
      env: { INGEST_CLAIM_MS: '1000', WORKER_LOCK_MS: '1500', INGEST_BATCH_MAX: '50' },
    });
    const tenant = await makeTenant(t);
    integ = await makeIntegration(t, { tenant, kind: 'TTN', name: 'no-loss' });
    devices = await makeLoraDevices(t, { tenant, count: 40 });
    expect(devices.length).toBeGreaterThanOrEqual(30);
    build = await compileApi('noloss');
  });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await worker?.close();
    await build?.remove();
    await t?.close();
  });

  /** `perDevice` frames for each device, a minute apart, each with a fresh frame counter and a rising index. */
  function frames(perDevice: number): Frame[] {
    round++;
    const base = Date.now() - 3 * 86_400_000 + round * 3_600_000;
    const out: Frame[] = [];
    for (let k = 0; k < perDevice; k++) {
      for (const d of devices) {
        d.last = Math.round((d.last + 0.013) * 1000) / 1000;
        out.push({ deviceId: d.id, body: ttnUplink(d, { indexM3: d.last, fCnt: round * 10_000 + k, at: new Date(base + k * 60_000) }) });
      }
    }
    return out;
  }

  async function post(url: string, f: Frame): Promise<{ outcome: Outcome; retryAfter?: number }> {
    try {
      const res = await fetch(`${url}/api/ingest/ttn/${integ.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-integration-secret': integ.secret },
        body: JSON.stringify(f.body),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      if (res.status === 202) return { outcome: (JSON.parse(text) as { status: 'accepted' | 'duplicate' }).status };
      return { outcome: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) };
    } catch {
      return { outcome: 'error' };
    }
  }

  /** Posts every frame with `concurrency` in flight; `during(done)` runs after each answer (to kill a process mid-burst). */
  async function burst(
    url: string,
    list: Frame[],
    concurrency: number,
    during: (done: number) => void = () => undefined,
  ): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(list.length);
    let next = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < list.length) {
          const i = next++;
          outcomes[i] = (await post(url, list[i]!)).outcome;
          during(++done);
        }
      }),
    );
    return outcomes;
  }

  /** What a network server does: retries every frame that got no 202, honouring Retry-After, until each is taken. */
  async function retryUntilTaken(url: string, list: Frame[], outcomes: Outcome[]): Promise<void> {
    const end = Date.now() + 60_000;
    let open = list.map((_, i) => i).filter((i) => outcomes[i] !== 'accepted' && outcomes[i] !== 'duplicate');
    while (open.length) {
      if (Date.now() > end)
        throw new Error(`${open.length} frames never taken: ${JSON.stringify(open.slice(0, 5).map((i) => outcomes[i]))}`);
      let wait = 100;
      const still: number[] = [];
      for (const i of open) {
        const r = await post(url, list[i]!);
        outcomes[i] = r.outcome;
        if (r.outcome !== 'accepted' && r.outcome !== 'duplicate') {
          still.push(i);
          if (r.retryAfter) wait = Math.max(wait, Math.min(r.retryAfter, 2) * 1000);
        }
      }
      open = still;
      if (open.length) await sleep(wait);
    }
  }

  /** Waits until every frame's uplink and reading are stored, then checks that each is stored exactly once. */
  async function expectStoredOnce(list: Frame[], ms = 90_000): Promise<void> {
    const ids = [...new Set(list.map((f) => f.deviceId))];
    const counters = list.map((f) => (f.body.uplink_message as { f_cnt: number }).f_cnt);
    const from = Math.min(...counters);
    const to = Math.max(...counters);
    const times = list.map((f) => new Date(f.body.received_at as string).getTime());
    const t0 = new Date(Math.min(...times));
    const t1 = new Date(Math.max(...times));
    const count = async () =>
      (
        await t.sql<{ uplinks: number; distinct_uplinks: number; readings: number }>(
          `SELECT (SELECT count(*)::int FROM uplink WHERE device_id = ANY($1) AND f_cnt BETWEEN $2 AND $3) AS uplinks,
                  (SELECT count(DISTINCT (device_id, f_cnt))::int FROM uplink WHERE device_id = ANY($1) AND f_cnt BETWEEN $2 AND $3) AS distinct_uplinks,
                  (SELECT count(*)::int FROM reading WHERE device_id = ANY($1) AND time BETWEEN $4 AND $5) AS readings`,
          [ids, from, to, t0, t1],
        )
      )[0]!;
    const end = Date.now() + ms;
    let c = await count();
    while ((c.uplinks < list.length || c.readings < list.length) && Date.now() < end) {
      await sleep(250);
      c = await count();
    }
    expect(c).toEqual({ uplinks: list.length, distinct_uplinks: list.length, readings: list.length });
    // Nothing arrives late either (a copy still queued would add a second row now).
    await sleep(1500);
    expect(await count()).toEqual(c);
    const failed = await t.sql(`SELECT 1 FROM uplink WHERE device_id = ANY($1) AND f_cnt BETWEEN $2 AND $3 AND status <> 'DECODED'`, [
      ids,
      from,
      to,
    ]);
    expect(failed).toHaveLength(0);
  }

  async function startApi(port: number): Promise<ChildNode> {
    const node = startNode(
      build.dir,
      'main.js',
      envOf(t.config, { API_HOST: '127.0.0.1', API_PORT: String(port), LOG_LEVEL: 'error', SHUTDOWN_GRACE_MS: '5000' }),
    );
    children.push(node);
    await waitForHealth(`http://127.0.0.1:${port}`, node);
    return node;
  }

  it('refuses radio figures no receiver reports, storing nothing', async () => {
    const [f] = frames(1);
    const body = structuredClone(f!.body) as { uplink_message: Record<string, unknown> };
    body.uplink_message.rx_metadata = [{ rssi: 99999, snr: 7 }];
    const res = await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${integ.id}`,
      headers: { 'x-integration-secret': integ.secret },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string[] }) => d.path.join('.'))).toContain('uplink_message.rx_metadata.0.rssi');
    // The refusal remembered nothing: the frame with sane figures is accepted.
    body.uplink_message.rx_metadata = [{ rssi: -99, snr: 7 }];
    const ok = await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${integ.id}`,
      headers: { 'x-integration-secret': integ.secret },
      body,
    });
    expect(ok.body.status).toBe('accepted');
  });

  it('stores every uplink of a batch around ones the database would refuse, and those as FAILED with the reason', async () => {
    const processor = (worker ??= await startTestWorker(t.config, { MQTT_ENABLED: false })).get(UplinkProcessor);
    const list = frames(1).slice(0, 30);
    // A vendor decoder that sometimes emits a NUL inside a string, which PostgreSQL's jsonb refuses.
    const poisonIndex = devices[7]!.last;
    const poisoned = list.find((f) => f.deviceId === devices[7]!.id)!;
    await t.sql(
      `UPDATE message_scenario SET version = version + 1,
         decoder_source = decoder_source || $2
       WHERE device_profile_id = $1`,
      [
        devices[7]!.profileId,
        `\n;(function () { var inner = decodeUplink; globalThis.decodeUplink = function (input) { var r = inner(input);
            if (r && r.data && r.data.indexM3 === ${poisonIndex}) r.data.note = 'a' + String.fromCharCode(0) + 'b'; return r; }; })();`,
      ],
    );
    const envelopes = list.map((f) => {
      const up = f.body.uplink_message as { f_port: number; f_cnt: number; frm_payload: string };
      const at = f.body.received_at as string;
      return {
        deviceId: f.deviceId,
        tenantId: '',
        integrationId: integ.id,
        receivedAt: at,
        deviceTime: at,
        fPort: up.f_port,
        fCnt: up.f_cnt,
        payloadHex: Buffer.from(up.frm_payload, 'base64').toString('hex'),
        // Out of any receiver's range: kept off the reading with a warning, never fatal to the batch.
        rx: f === list[3] ? { rssi: 99999, snr: 5000 } : { rssi: -90, snr: 5 },
        source: 'ttn' as const,
      };
    });
    const result = await processor.process(envelopes);
    expect(result).toMatchObject({ storeFailed: 1, stored: list.length - 1 });
    const ids = list.map((f) => f.deviceId);
    const rows = await t.sql<{ device_id: string; status: string; errors: { errors: string[]; warnings: string[] } | null }>(
      `SELECT device_id, status, errors FROM uplink WHERE device_id = ANY($1) AND f_cnt = $2`,
      [ids, (poisoned.body.uplink_message as { f_cnt: number }).f_cnt],
    );
    expect(rows).toHaveLength(list.length);
    const bad = rows.find((r) => r.device_id === poisoned.deviceId)!;
    expect(bad.status).toBe('FAILED');
    expect(bad.errors!.errors.join(' ')).toMatch(/not stored: .*(unicode|\\u0000)/i);
    const loud = rows.find((r) => r.device_id === list[3]!.deviceId)!;
    expect(loud.status).toBe('DECODED');
    expect(loud.errors!.warnings.join(' ')).toMatch(/rssi 99999 is outside/);
    const readings = await t.sql<{ device_id: string; rssi: number | null }>(
      `SELECT device_id, rssi FROM reading WHERE device_id = ANY($1) AND time = $2`,
      [ids, new Date(list[0]!.body.received_at as string)],
    );
    expect(readings).toHaveLength(list.length - 1);
    expect(readings.find((r) => r.device_id === list[3]!.deviceId)!.rssi).toBeNull();
  });

  /** A burst of 2,000 frames at an API process that gets `signal` after 600 answers; then a new API process takes the retries. */
  async function burstThrough(signal: NodeJS.Signals) {
    worker ??= await startTestWorker(t.config, { MQTT_ENABLED: false });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = await startApi(port);
    const list = frames(50);
    const outcomes = await burst(url, list, 40, (done) => {
      if (done === 600) api.child.kill(signal);
    });
    const exit = await api.exited;
    const answered = [...outcomes];
    await startApi(port);
    await retryUntilTaken(url, list, outcomes);
    return { list, answered, exit };
  }

  it(
    'stores every frame exactly once when the API is killed (SIGKILL) mid-burst and the sender retries',
    async () => {
      const { list, answered } = await burstThrough('SIGKILL');
      expect(answered.filter((o) => o !== 'accepted' && o !== 'duplicate').length).toBeGreaterThan(0);
      await expectStoredOnce(list);
    },
    KILL_TEST_TIMEOUT_MS,
  );

  it(
    'drains requests in flight on SIGTERM (no 500), then stores every frame once after the retries',
    async () => {
      const { list, answered, exit } = await burstThrough('SIGTERM');
      expect(exit).toBe(0);
      // Answers are 202, 503 (closing) or a refused connection: never a server error.
      expect(answered.filter((o) => typeof o === 'number' && o !== 503)).toEqual([]);
      await expectStoredOnce(list);
    },
    KILL_TEST_TIMEOUT_MS,
  );

  it('stores every frame exactly once when a worker process is killed (SIGKILL) mid-batch', async () => {
    await worker?.close();
    worker = undefined;
    const list = frames(25);
    const outcomes = await Promise.all(
      list.map((f) =>
        t.request({ method: 'POST', url: `/api/ingest/ttn/${integ.id}`, headers: { 'x-integration-secret': integ.secret }, body: f.body }),
      ),
    );
    expect(outcomes.every((o) => o.status === 202 && o.body.status === 'accepted')).toBe(true);
    const node = startNode(
      build.dir,
      'worker.js',
      envOf(t.config, { MQTT_ENABLED: 'false', LOG_LEVEL: 'error', WORKER_CONCURRENCY: '4', WORKER_LOCK_MS: '1500' }),
    );
    children.push(node);
    const ids = [...new Set(list.map((f) => f.deviceId))];
    const t0 = new Date(list[0]!.body.received_at as string);
    const stored = async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reading WHERE device_id = ANY($1) AND time >= $2`, [ids, t0]))[0]!.n;
    const end = Date.now() + 60_000;
    while ((await stored()) === 0 && Date.now() < end) {
      if (node.child.exitCode !== null) throw new Error(`worker exited early:\n${node.output()}`);
      await sleep(20);
    }
    node.child.kill('SIGKILL');
    await node.exited;
    expect(await stored()).toBeLessThan(list.length);
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false, WORKER_LOCK_MS: 1500 });
    await expectStoredOnce(list);
  });
});
