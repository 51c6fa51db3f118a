import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/bootstrap';
import { UplinkWorkerService } from '../src/modules/ingest/uplink-worker.service';
import { connectLive } from './support/live';
import { ASKI_ADMIN, startTestApp, SUPER_ADMIN, type TestApp } from './support/test-app';
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

  beforeAll(async () => {
    // Batches of 4 uplinks, so 40 uplinks make enough jobs for both workers to take some.
    a = await startTestApp('scale', { listen: true, readingDays: 1, env: { INGEST_BATCH_MAX: '4' } });
    b = await createApp(a.config, { logger: false });
    await b.listen({ port: 0, host: '127.0.0.1' });
    bUrl = (await b.getUrl()).replace('[::1]', '127.0.0.1');
    workers = await Promise.all([startTestWorker(a.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 2 }), startTestWorker(a.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 2 })]);
  });
  afterAll(async () => {
    await Promise.all(workers?.map((w) => w.close()) ?? []);
    await b?.close();
    await a?.close();
  });

  it('spreads uplinks over both workers and delivers live events across API nodes', async () => {
    const admin = await a.login(SUPER_ADMIN);
    const tenantId = (await a.sql<{ id: string }>(`SELECT id FROM tenant WHERE name = 'ASKİ'`))[0].id;
    const integ = (await a.request({ method: 'POST', url: '/api/integrations', token: admin, body: { tenantId, kind: 'TTN', name: 'scale' } })).body;
    const devices = await a.sql<{ id: string; eui: string; model: string; last: string }>(
      `SELECT d.id, i.value AS eui, p.model_code AS model, m.last_index_m3::text AS last
         FROM device d JOIN device_profile p ON p.id = d.device_profile_id JOIN meter m ON m.id = d.meter_id
         JOIN device_identifier i ON i.device_id = d.id JOIN communication_technology_field f ON f.id = i.field_id AND f.key = 'DevEUI'
        WHERE d.tenant_id = $1 AND p.model_code IN ('MNS-LRW100', 'Cyble 5 LoRaWAN', 'IMA-LW-U1') LIMIT 40`,
      [tenantId],
    );
    // The watcher is connected to node B only.
    const live = await connectLive(bUrl, await a.login(ASKI_ADMIN));
    const posted = await Promise.all(
      devices.map((d, i) => {
        const up = encodeUplink(DEVICE_PROFILE_KEY_BY_MODEL[d.model], { indexM3: Number(d.last) + 0.1, batteryPct: 77 });
        return a.request({
          method: 'POST',
          url: `/api/ingest/ttn/${integ.id}`,
          headers: { 'x-integration-secret': integ.secret },
          body: { end_device_ids: { dev_eui: d.eui }, received_at: new Date().toISOString(), uplink_message: { f_port: up.fPort, f_cnt: 7000 + i, frm_payload: up.payload.toString('base64') } },
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
});
