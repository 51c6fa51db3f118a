import type { INestApplicationContext } from '@nestjs/common';
import { encodeUplink } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin, makeInstallation, makeTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/**
 * Load shedding: with more batches waiting than INGEST_MAX_BACKLOG, webhooks answer 503 with
 * Retry-After and remember nothing, so the sender's retry is accepted once workers catch up.
 */
describe('ingest backlog', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    // One uplink per job and room for two waiting jobs; no worker runs until the test starts one.
    t = await startTestApp('backlog', { env: { INGEST_BATCH_MAX: '1', INGEST_MAX_BACKLOG: '2' } });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('refuses uplinks with 503 and Retry-After while the backlog is full, then accepts the retry', async () => {
    const tenant = await makeTenant(t);
    const { token: admin } = await makeAdmin(t, tenant);
    const integ = (
      await t.request({
        method: 'POST',
        url: '/api/integrations',
        token: admin,
        body: { tenantId: tenant.id, kind: 'TTN', name: 'backlog' },
      })
    ).body;
    const { device } = await makeInstallation(t, { tenant, deviceProfile: 'manas-lorawan', initialIndexM3: 40 });
    const d = { id: device.id, eui: device.eui, last: '40' };
    const base = Date.now() + 3_600_000;
    const post = (n: number) => {
      const up = encodeUplink('manas-lorawan', { indexM3: Number(d.last) + n * 0.01, batteryPct: 80 });
      return t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: {
          end_device_ids: { dev_eui: d.eui },
          received_at: new Date(base + n * 60_000).toISOString(),
          uplink_message: { f_port: up.fPort, f_cnt: 800 + n, frm_payload: up.payload.toString('base64') },
        },
      });
    };

    const accepted: number[] = [];
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    let refusedN = 0;
    for (let n = 1; n <= 40 && !refused; n++) {
      const res = await post(n);
      if (res.status === 202) accepted.push(n);
      else {
        refused = res;
        refusedN = n;
      }
      // The backlog is read at most once a second.
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers['retry-after']).toBe('5');
    expect(refused?.body.error).toBe('Service Unavailable');
    expect(accepted.length).toBeGreaterThan(2);

    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    const stored = async () =>
      (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reading WHERE device_id = $1 AND time >= $2`, [d.id, new Date(base)]))[0]
        .n;
    const end = Date.now() + 20_000;
    while ((await stored()) < accepted.length && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(await stored()).toBe(accepted.length);

    // The refused frame was not remembered as seen: its retry is accepted once the backlog drains.
    let retry = await post(refusedN);
    const until = Date.now() + 5_000;
    while (retry.status === 503 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      retry = await post(refusedN);
    }
    expect(retry.status).toBe(202);
    expect(retry.body.status).toBe('accepted');
  });
});
