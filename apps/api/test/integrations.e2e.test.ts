import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInstallation, makeUtilities, ttnUplink } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { startTestWorker } from './support/worker';

/** Integrations as the console lists them: when each last heard from its network server, and how it went. */
describe('integrations', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let world: Awaited<ReturnType<typeof makeUtilities>>;

  beforeAll(async () => {
    t = await startTestApp('integrations');
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    world = await makeUtilities(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('lists each integration with its last uplink and the last 24 hours by status, to its tenant only', async () => {
    const { a, rootAdmin, aAdmin, bAdmin } = world;
    const root = rootAdmin.token;
    const tenantId = a.id;
    const used = (await t.request({ method: 'POST', url: '/api/integrations', token: root, body: { tenantId, kind: 'TTN', name: 'used' } }))
      .body;
    const idle = (
      await t.request({ method: 'POST', url: '/api/integrations', token: root, body: { tenantId, kind: 'SIGFOX', name: 'idle' } })
    ).body;
    const { device: d } = await makeInstallation(t, { tenant: a, initialIndexM3: 12.5 });
    const last = 12.5;
    const post = (fCnt: number, indexM3: number, at: Date, payload?: Buffer) => {
      const body = ttnUplink(d, { indexM3, fCnt, at });
      if (payload) body.uplink_message.frm_payload = payload.toString('base64');
      return t.request({ method: 'POST', url: `/api/ingest/ttn/${used.id}`, headers: { 'x-integration-secret': used.secret }, body });
    };
    const newest = new Date(Date.now() - 60_000);
    expect((await post(1, last + 0.3, new Date(Date.now() - 120_000))).status).toBe(202);
    expect((await post(2, last + 0.4, newest, Buffer.from([0xff]))).status).toBe(202);
    // Older than a day: the last uplink, but not in the 24-hour counts.
    expect((await post(3, last + 0.1, new Date(Date.now() - 30 * 3_600_000))).status).toBe(202);
    const end = Date.now() + 20_000;
    let row: { lastUplinkAt: string | null; uplinks24h: Record<string, number> } | undefined;
    while (Date.now() < end) {
      const list = await t.request({ url: `/api/integrations?tenantId=${tenantId}`, token: aAdmin.token });
      row = list.body.find((i: { id: string }) => i.id === used.id);
      if (row && row.uplinks24h.DECODED + row.uplinks24h.FAILED === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(row).toMatchObject({
      lastUplinkAt: newest.toISOString(),
      uplinks24h: { DECODED: 1, FAILED: 1, RECEIVED: 0 },
      webhookPath: `/api/ingest/ttn/${used.id}`,
    });
    expect(row).not.toHaveProperty('secret');
    const list = await t.request({ url: '/api/integrations', token: root });
    expect(list.body.find((i: { id: string }) => i.id === idle.id)).toMatchObject({
      lastUplinkAt: null,
      uplinks24h: { DECODED: 0, FAILED: 0, RECEIVED: 0 },
    });
    const other = await t.request({ url: '/api/integrations', token: bAdmin.token });
    expect(other.body.map((i: { id: string }) => i.id)).not.toContain(used.id);

    // Deleted only while unused; a used one is deactivated instead.
    const refused = await t.request({ method: 'DELETE', url: `/api/integrations/${used.id}`, token: root });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/deactivate/);
    expect((await t.request({ method: 'DELETE', url: `/api/integrations/${idle.id}`, token: root })).status).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `/api/integrations/${used.id}`, token: bAdmin.token })).status).toBe(404);
  });
});
