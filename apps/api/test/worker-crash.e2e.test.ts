import type { INestApplicationContext } from '@nestjs/common';
import { encodeUplink, type DeviceProfileKey } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UplinkWorkerService } from '../src/modules/ingest/uplink-worker.service';
import { makeAdmin, makeDeviceProfile, makeInstallation, makeMeterProfile, makeTenant } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/** A worker that dies mid-stream loses nothing: its jobs come back to the next worker, stored once. */
describe('worker crash', () => {
  let t: TestApp;
  let second: INestApplicationContext | undefined;

  beforeAll(async () => {
    t = await startTestApp('crash');
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('processes every accepted uplink exactly once across a crash and restart', async () => {
    const tenant = await makeTenant(t);
    const { token: admin } = await makeAdmin(t, tenant);
    const integ = (
      await t.request({ method: 'POST', url: '/api/integrations', token: admin, body: { tenantId: tenant.id, kind: 'TTN', name: 'crash' } })
    ).body;
    // 20 LoRaWAN devices over the four LoRaWAN profiles, each reading a meter at its own index.
    const keys: DeviceProfileKey[] = ['manas-lorawan', 'itron-lorawan', 'ima-lorawan', 'klepsan-lorawan'];
    const profiles = await Promise.all(keys.map((key) => makeDeviceProfile(t, { key, tenants: [tenant] })));
    const meterProfile = await makeMeterProfile(t, { tenants: [tenant] });
    const devices: { id: string; eui: string; key: DeviceProfileKey; last: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const { device } = await makeInstallation(t, { tenant, deviceProfile: profiles[i % 4], meterProfile, initialIndexM3: 10 + i });
      devices.push({ id: device.id, eui: device.eui, key: device.key, last: String(10 + i) });
    }
    const base = Date.now();
    let n = 0;
    for (let round = 1; round <= 3; round++) {
      for (const d of devices) {
        const up = encodeUplink(d.key, { indexM3: Number(d.last) + round * 0.01, batteryPct: 70 });
        const res = await t.request({
          method: 'POST',
          url: `/api/ingest/ttn/${integ.id}`,
          headers: { 'x-integration-secret': integ.secret },
          body: {
            end_device_ids: { dev_eui: d.eui },
            received_at: new Date(base + round * 60_000).toISOString(),
            uplink_message: { f_port: up.fPort, f_cnt: 100 + round, frm_payload: up.payload.toString('base64') },
          },
        });
        expect(res.status).toBe(202);
        n++;
      }
    }
    const ids = devices.map((d) => d.id);
    const stored = async () =>
      (
        await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM reading WHERE device_id = ANY($1) AND time >= $2`, [ids, new Date(base)])
      )[0].n;

    const first = await startTestWorker(t.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 4, WORKER_LOCK_MS: 1500 });
    const w1 = first.get(UplinkWorkerService);
    const deadline = Date.now() + 20_000;
    while (w1.processed < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await w1.kill();
    await first.close();
    expect(await stored()).toBeLessThan(n);

    second = await startTestWorker(t.config, { MQTT_ENABLED: false, WORKER_CONCURRENCY: 4, WORKER_LOCK_MS: 1500 });
    const end = Date.now() + 30_000;
    while ((await stored()) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
    expect(await stored()).toBe(n);
    const uplinks = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM uplink WHERE device_id = ANY($1) AND received_at >= $2`, [
      ids,
      new Date(base),
    ]);
    expect(uplinks[0].n).toBe(n);
  });
});
