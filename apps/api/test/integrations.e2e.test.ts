import type { INestApplicationContext } from '@nestjs/common';
import { DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink } from '@water/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASKI_ADMIN, HATSU_ADMIN, startTestApp, SUPER_ADMIN, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/** Integrations as the console lists them: when each last heard from its network server, and how it went. */
describe('integrations', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let root: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp('integrations', { readingDays: 1 });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    root = await t.login(SUPER_ADMIN);
    tenantId = (await t.sql<{ id: string }>(`SELECT id FROM tenant WHERE name = 'ASKİ'`))[0]!.id;
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('lists each integration with its last uplink and the last 24 hours by status, to its tenant only', async () => {
    const used = (await t.request({ method: 'POST', url: '/api/integrations', token: root, body: { tenantId, kind: 'TTN', name: 'used' } })).body;
    const idle = (await t.request({ method: 'POST', url: '/api/integrations', token: root, body: { tenantId, kind: 'SIGFOX', name: 'idle' } })).body;
    const [d] = await t.sql<{ eui: string; model: string; last: string }>(
      `SELECT i.value AS eui, p.model_code AS model, m.last_index_m3::text AS last
         FROM device d JOIN device_profile p ON p.id = d.device_profile_id JOIN meter m ON m.id = d.meter_id
         JOIN device_identifier i ON i.device_id = d.id JOIN communication_technology_field f ON f.id = i.field_id AND f.key = 'DevEUI'
        WHERE d.tenant_id = $1 AND d.status = 'ACTIVE' LIMIT 1`,
      [tenantId],
    );
    const post = (fCnt: number, payload: Buffer, port: number, at: Date) =>
      t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${used.id}`,
        headers: { 'x-integration-secret': used.secret },
        body: { end_device_ids: { dev_eui: d!.eui }, received_at: at.toISOString(), uplink_message: { f_port: port, f_cnt: fCnt, frm_payload: payload.toString('base64') } },
      });
    const up = encodeUplink(DEVICE_PROFILE_KEY_BY_MODEL[d!.model], { indexM3: Number(d!.last) + 0.3, batteryPct: 70 });
    const newest = new Date(Date.now() - 60_000);
    expect((await post(1, up.payload, up.fPort, new Date(Date.now() - 120_000))).status).toBe(202);
    expect((await post(2, Buffer.from([0xff]), up.fPort, newest)).status).toBe(202);
    // Older than a day: the last uplink, but not in the 24-hour counts.
    expect((await post(3, up.payload, up.fPort, new Date(Date.now() - 30 * 3_600_000))).status).toBe(202);
    const end = Date.now() + 20_000;
    let row: { lastUplinkAt: string | null; uplinks24h: Record<string, number> } | undefined;
    while (Date.now() < end) {
      const list = await t.request({ url: `/api/integrations?tenantId=${tenantId}`, token: await t.login(ASKI_ADMIN) });
      row = list.body.find((i: { id: string }) => i.id === used.id);
      if (row && row.uplinks24h.DECODED + row.uplinks24h.FAILED === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row).toMatchObject({ lastUplinkAt: newest.toISOString(), uplinks24h: { DECODED: 1, FAILED: 1, RECEIVED: 0 }, webhookPath: `/api/ingest/ttn/${used.id}` });
    expect(row).not.toHaveProperty('secret');
    const list = await t.request({ url: '/api/integrations', token: root });
    expect(list.body.find((i: { id: string }) => i.id === idle.id)).toMatchObject({ lastUplinkAt: null, uplinks24h: { DECODED: 0, FAILED: 0, RECEIVED: 0 } });
    const other = await t.request({ url: '/api/integrations', token: await t.login(HATSU_ADMIN) });
    expect(other.body.map((i: { id: string }) => i.id)).not.toContain(used.id);

    // Deleted only while unused; a used one is deactivated instead.
    const refused = await t.request({ method: 'DELETE', url: `/api/integrations/${used.id}`, token: root });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/deactivate/);
    expect((await t.request({ method: 'DELETE', url: `/api/integrations/${idle.id}`, token: root })).status).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `/api/integrations/${used.id}`, token: await t.login(HATSU_ADMIN) })).status).toBe(404);
  });
});
