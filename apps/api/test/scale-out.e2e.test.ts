import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { encodeUplink } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap';
import { UplinkWorkerService } from '../src/modules/ingest/uplink-worker.service';
import { connectLive } from './support/live';
import { makeAdmin, makeIntegration, makeLoraDevices, makeTenant, ttnUplink, type Tenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/**
 * Two API nodes and two workers on one PostgreSQL and one Redis: uplinks posted to node A are
 * processed by both workers, and their live events reach a console connected to node B through the
 * Redis Streams adapter. (Nodes are separate Nest applications with their own Socket.io servers and
 * Redis connections, in one test process.)
 */
describe('scale-out', () => {
  let a: TestApp;
  let b: NestFastifyApplication;
  let bUrl: string;
  let workers: INestApplicationContext[];
  let tenant: Tenant;
  let watcher: string;

  beforeAll(async () => {
    // Batches of 4 uplinks, so 40 uplinks make enough jobs for both workers to take some.
    a = await startTestApp('scale', { listen: true, env: { INGEST_BATCH_MAX: '4' } });
    tenant = await makeTenant(a);
    watcher = (await makeAdmin(a, tenant)).token;
    b = await createApp(a.config, { logger: false });
    await b.listen({ port: 0, host: '127.0.0.1' });
    bUrl = (await b.getUrl()).replace('[::1]', '127.0.0.1');
    workers = await Promise.all([
      startTestWorker(a.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 2 }),
      startTestWorker(a.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 2 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(workers?.map((w) => w.close()) ?? []);
    await b?.close();
    await a?.close();
  });

  it('spreads uplinks over both workers and delivers live events across API nodes', async () => {
    const integ = await makeIntegration(a, { tenant, kind: 'TTN', name: 'scale' });
    const devices = await makeLoraDevices(a, { tenant, count: 40, keys: ['manas-lorawan', 'itron-lorawan', 'ima-lorawan'] });
    // The watcher is connected to node B only.
    const live = await connectLive(bUrl, watcher);
    const posted = await Promise.all(
      devices.map((d, i) => {
        const up = encodeUplink(d.key, { indexM3: d.last + 0.1, batteryPct: 77 });
        return a.request({
          method: 'POST',
          url: `/api/ingest/ttn/${integ.id}`,
          headers: { 'x-integration-secret': integ.secret },
          body: {
            end_device_ids: { dev_eui: d.eui },
            received_at: new Date().toISOString(),
            uplink_message: { f_port: up.fPort, f_cnt: 7000 + i, frm_payload: up.payload.toString('base64') },
          },
        });
      }),
    );
    expect(posted.every((p) => p.status === 202)).toBe(true);
    for (const d of devices) await live.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d.id, 20_000);
    const counts = workers.map((w) => w.get(UplinkWorkerService).processed);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(devices.length);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    live.socket.close();
  });

  it('keeps one meter’s consumption chain right when both workers take its frames, in shuffled order', async () => {
    const integ = await makeIntegration(a, { tenant, kind: 'TTN', name: 'order' });
    // Not one of the first test's devices.
    const [d] = await makeLoraDevices(a, { tenant, count: 1 });
    const start = d!.last;
    const base = Date.now() - 2 * 86_400_000;
    // 60 frames a minute apart, each 10 litres on; posted shuffled in bursts, so batches of 4 land on both workers out of order.
    const frames = Array.from({ length: 60 }, (_, k) => ({ k, index: Math.round((start + (k + 1) * 0.01) * 1000) / 1000 }));
    for (let i = frames.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [frames[i], frames[j]] = [frames[j]!, frames[i]!];
    }
    const before = workers.map((w) => w.get(UplinkWorkerService).processed);
    for (let i = 0; i < frames.length; i += 12) {
      const answers = await Promise.all(
        frames.slice(i, i + 12).map((f) =>
          a.request({
            method: 'POST',
            url: `/api/ingest/ttn/${integ.id}`,
            headers: { 'x-integration-secret': integ.secret },
            body: ttnUplink(d!, { indexM3: f.index, fCnt: 20_000 + f.k, at: new Date(base + f.k * 60_000), batteryPct: 80 }),
          }),
        ),
      );
      expect(answers.every((x) => x.status === 202)).toBe(true);
    }
    const rows = async () =>
      a.sql<{ index_m3: string; consumption_m3: string | null }>(
        `SELECT index_m3, consumption_m3 FROM reading WHERE device_id = $1 AND time >= $2 AND time < $3 ORDER BY time`,
        [d!.id, new Date(base), new Date(base + 60 * 60_000)],
      );
    const end = Date.now() + 30_000;
    while ((await rows()).length < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const chain = await rows();
    expect(chain).toHaveLength(60);
    const after = workers.map((w, i) => w.get(UplinkWorkerService).processed - before[i]!);
    expect(Math.min(...after)).toBeGreaterThan(0);
    // Each reading's consumption is its index minus the one before it in time, whichever worker stored which.
    for (let i = 1; i < chain.length; i++)
      expect(Number(chain[i]!.consumption_m3)).toBeCloseTo(Number(chain[i]!.index_m3) - Number(chain[i - 1]!.index_m3), 3);
  });
});
