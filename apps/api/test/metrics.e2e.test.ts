import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileApi, envOf, freePort, startNode, type ChildNode } from './support/processes';
import { makeIntegration, makeLoraDevices, makeTenant, ttnUplink } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const TOKEN = 'metrics-token-for-the-test-0123456789';

/** Sums the samples of one metric whose labels include `labels` in a Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = line.match(/^[^{ ]+(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const have = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      sum += Number(m[2]);
      found = true;
    }
  }
  return found ? sum : Number.NaN;
}

/** Both processes expose Prometheus metrics behind a token, and their counters move with traffic. */
describe('metrics', () => {
  let t: TestApp;
  let build: Awaited<ReturnType<typeof compileApi>>;
  let worker: ChildNode;
  let workerUrl: string;

  beforeAll(async () => {
    t = await startTestApp('metrics', { env: { METRICS_TOKEN: TOKEN } });
    build = await compileApi('metrics');
    const port = await freePort();
    workerUrl = `http://127.0.0.1:${port}/metrics`;
    // The worker is a process of its own, so its figures are its own.
    worker = startNode(
      build.dir,
      'worker.js',
      envOf(t.config, { MQTT_ENABLED: 'false', LOG_LEVEL: 'error', WORKER_METRICS_PORT: String(port) }),
    );
    const end = Date.now() + 30_000;
    for (;;) {
      if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
      if (
        await fetch(workerUrl).then(
          () => true,
          () => false,
        )
      )
        break;
      if (Date.now() > end) throw new Error(`worker metrics not listening:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await build?.remove();
    await t?.close();
  });

  const scrapeApi = async (token?: string) =>
    t.request({ url: '/api/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
  const scrapeWorker = async (token?: string) => {
    const res = await fetch(workerUrl, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, text: await res.text() };
  };

  it('refuses scrapes without the token, on the API and on the worker', async () => {
    expect((await scrapeApi()).status).toBe(401);
    expect((await scrapeApi('not-the-token-at-all-000')).status).toBe(401);
    expect((await scrapeWorker()).status).toBe(401);
    expect((await scrapeWorker('not-the-token-at-all-000')).status).toBe(401);
    expect((await fetch(workerUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('counts uplinks, HTTP requests and the worker’s decoding and storing as traffic flows', async () => {
    const tenant = await makeTenant(t);
    const integ = await makeIntegration(t, { tenant, kind: 'TTN', name: 'metrics' });
    const [d] = await makeLoraDevices(t, { tenant, count: 1 });
    const before = { api: (await scrapeApi(TOKEN)).body as string, worker: (await scrapeWorker(TOKEN)).text };
    const post = (body: unknown) =>
      t.request({ method: 'POST', url: `/api/ingest/ttn/${integ.id}`, headers: { 'x-integration-secret': integ.secret }, body });
    const frame = ttnUplink(d!, { indexM3: d!.last + 0.5, fCnt: 31_001, at: new Date(Date.now() - 3_600_000) });
    expect((await post(frame)).body.status).toBe('accepted');
    expect((await post(frame)).body.status).toBe('duplicate');
    const unreadable = ttnUplink(d!, { indexM3: d!.last + 0.6, fCnt: 31_002, at: new Date(Date.now() - 3_599_000) });
    unreadable.uplink_message.frm_payload = Buffer.from([0xff]).toString('base64');
    expect((await post(unreadable)).body.status).toBe('accepted');
    expect(
      (await t.request({ method: 'POST', url: `/api/ingest/ttn/${integ.id}`, headers: { 'x-integration-secret': 'wrong' }, body: {} }))
        .status,
    ).toBe(400);

    const end = Date.now() + 20_000;
    let workerText = before.worker;
    // Wait for every counter asserted below: the decode failure is counted when the frame is decoded, its
    // uplink outcome only when its batch is stored, and the two frames may land in different batches.
    const movedSince = (text: string, name: string, labels: Record<string, string>) =>
      (sample(text, name, labels) || 0) - (sample(before.worker, name, labels) || 0);
    while (Date.now() < end) {
      workerText = (await scrapeWorker(TOKEN)).text;
      if (
        movedSince(workerText, 'water_worker_uplinks_total', { outcome: 'stored' }) >= 1 &&
        movedSince(workerText, 'water_worker_uplinks_total', { outcome: 'decode_failed' }) >= 1 &&
        movedSince(workerText, 'water_decode_failures_total', { reason: 'decoder_error' }) >= 1 &&
        movedSince(workerText, 'water_live_events_total', { event: 'reading.created' }) >= 1
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const apiText = (await scrapeApi(TOKEN)).body as string;
    const moved = (text: string, was: string, name: string, labels: Record<string, string>) =>
      (sample(text, name, labels) || 0) - (sample(was, name, labels) || 0);
    expect(moved(apiText, before.api, 'water_ingest_uplinks_total', { kind: 'TTN', outcome: 'accepted' })).toBe(2);
    expect(moved(apiText, before.api, 'water_ingest_uplinks_total', { kind: 'TTN', outcome: 'duplicate' })).toBe(1);
    // Route templates, never raw ids, as labels.
    expect(
      moved(apiText, before.api, 'water_http_request_duration_seconds_count', { route: '/api/ingest/ttn/:integrationId', status: '202' }),
    ).toBe(3);
    expect(
      moved(apiText, before.api, 'water_http_request_duration_seconds_count', { route: '/api/ingest/ttn/:integrationId', status: '400' }),
    ).toBe(1);
    expect(apiText).not.toContain(integ.id);
    expect(sample(apiText, 'water_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(sample(apiText, 'water_queue_jobs', { queue: 'uplinks', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(sample(apiText, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(apiText, 'water_live_clients')).toBe(0);

    expect(moved(workerText, before.worker, 'water_worker_uplinks_total', { outcome: 'stored' })).toBe(1);
    expect(moved(workerText, before.worker, 'water_worker_uplinks_total', { outcome: 'decode_failed' })).toBe(1);
    expect(moved(workerText, before.worker, 'water_decode_failures_total', { reason: 'decoder_error' })).toBe(1);
    expect(moved(workerText, before.worker, 'water_decode_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(moved(workerText, before.worker, 'water_worker_batch_uplinks_count', {})).toBeGreaterThanOrEqual(1);
    expect(moved(workerText, before.worker, 'water_live_events_total', { event: 'reading.created' })).toBe(1);
    expect(sample(workerText, 'water_worker_store_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    // The worker decodes on its thread pool; none was stopped by a limit.
    expect(sample(workerText, 'water_decoder_threads', { state: 'threads' })).toBeGreaterThanOrEqual(1);
    expect(sample(workerText, 'water_decoder_stops_total', { reason: 'timeout' })).toBe(0);
    // The worker counts no webhooks: those are the API's.
    expect(sample(workerText, 'water_ingest_uplinks_total', { outcome: 'accepted' })).toBeNaN();
  });
});
