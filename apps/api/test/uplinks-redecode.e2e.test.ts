import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '../src/core/jobs/jobs.service';
import { QueueName } from '../src/core/jobs/jobs.types';
import { matrix } from './support/matrix';
import { makeIntegration, makeLoraDevices, makeUtilities, ttnUplink, type LoraDevice } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

/** The uplink inspector's re-decode: after a decoder fix, failed uplinks are run again and yield their readings. */
describe('uplink re-decode', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let hatsu: string;
  let aski: string;
  let integ: { id: string; secret: string };
  let device: LoraDevice;
  let hatsuId: string;
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();

  beforeAll(async () => {
    t = await startTestApp('redecode');
    worker = await startTestWorker(t.config, { MQTT_ENABLED: false });
    const { b, aAdmin, bAdmin } = await makeUtilities(t);
    hatsu = bAdmin.token;
    aski = aAdmin.token;
    hatsuId = b.id;
    integ = await makeIntegration(t, { tenant: b, kind: 'TTN', name: 'redecode' });
    [device] = await makeLoraDevices(t, { tenant: b, count: 1 });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('re-runs a device’s failed uplinks after its decoder is fixed, storing their readings', async () => {
    const original = await t.sql<{ id: string; decoder_source: string }>(
      `SELECT id, decoder_source FROM message_scenario WHERE device_profile_id = $1`,
      [device.profileId],
    );
    await t.sql(
      `UPDATE message_scenario SET decoder_source = 'function decodeUplink(input) { return { errors: ["vendor bug"] }; }', version = version + 1 WHERE device_profile_id = $1`,
      [device.profileId],
    );
    // The only readings of that hour are these.
    const base = Date.now() - 36 * 3_600_000;
    for (let k = 1; k <= 3; k++) {
      const body = ttnUplink(device, {
        indexM3: device.last + k * 0.05,
        fCnt: 40_000 + k,
        at: new Date(base + k * 60_000),
        batteryPct: 66,
      });
      const res = await t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body,
      });
      expect(res.body.status).toBe('accepted');
    }
    const failed = await until(async () => {
      const page = await t.request({ url: `/api/uplinks?deviceId=${device.id}&integrationId=${integ.id}&status=FAILED`, token: hatsu });
      // Rows and total are two statements: wait until both see all three.
      return page.body.total === 3 && page.body.items.length === 3 ? page.body : null;
    }, 20_000);
    expect(failed.items[0]).toMatchObject({ integrationId: integ.id, status: 'FAILED', errors: ['vendor bug'] });
    const readings = () =>
      t.sql(`SELECT 1 FROM reading WHERE device_id = $1 AND time > $2 AND time < $3`, [
        device.id,
        new Date(base),
        new Date(base + 600_000),
      ]);
    expect(await readings()).toHaveLength(0);

    for (const s of original)
      await t.sql(`UPDATE message_scenario SET decoder_source = $2, version = version + 1 WHERE id = $1`, [s.id, s.decoder_source]);
    const started = await t.request({
      method: 'POST',
      url: '/api/uplinks/redecode',
      token: hatsu,
      body: { deviceId: device.id, from, to },
    });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(3);
    const done = await until(async () => {
      const s = await t.request({ url: `/api/uplinks/redecode/${started.body.jobId}`, token: hatsu });
      expect(s.status).toBe(200);
      return s.body.state === 'completed' ? s.body : null;
    }, 20_000);
    expect(done.progress).toEqual({ total: 3, done: 3, stored: 3, failed: 0 });
    expect(await readings()).toHaveLength(3);
    const now = await t.request({
      url: `/api/uplinks?deviceId=${device.id}&status=DECODED&from=${encodeURIComponent(new Date(base).toISOString())}`,
      token: hatsu,
    });
    expect(now.body.total).toBe(3);
    expect(now.body.items[0].errors).toEqual([]);
    // The run is the tenant's own: another tenant neither sees it nor starts one on this device.
    expect((await t.request({ url: `/api/uplinks/redecode/${started.body.jobId}`, token: aski })).status).toBe(404);
    expect(
      (await t.request({ method: 'POST', url: '/api/uplinks/redecode', token: aski, body: { deviceId: device.id, from, to } })).status,
    ).toBe(404);
  });

  it('refuses runs it cannot do with a clear 4xx, and nothing is queued', async () => {
    const queue = t.app.get(JobsService).queue(QueueName.Redecode);
    const jobsBefore = (await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).length;
    const post = (body: Record<string, unknown>, token = hatsu) => t.request({ method: 'POST', url: '/api/uplinks/redecode', token, body });
    const noTarget = await post({ from, to });
    expect(noTarget.status).toBe(400);
    expect(noTarget.body.details.map((d: { path: string[] }) => d.path.join('.'))).toContain('deviceId');
    expect((await post({ deviceId: device.id, from: to, to: from })).status).toBe(400);
    expect((await post({ deviceId: device.id, from, to, uplinkIds: ['1; DROP TABLE uplink'] })).status).toBe(400);
    expect((await post({ deviceId: 'not-a-uuid', from, to })).status).toBe(400);
    // A profile without a decoder has nothing to re-run.
    await t.sql(`UPDATE message_scenario SET is_active = false WHERE device_profile_id = $1`, [device.profileId]);
    try {
      const bare = await post({ deviceProfileId: device.profileId, from, to });
      expect(bare.status).toBe(409);
      expect(bare.body.message).toMatch(/no active message scenario/);
    } finally {
      await t.sql(`UPDATE message_scenario SET is_active = true WHERE device_profile_id = $1`, [device.profileId]);
    }
    // Another tenant's integration as a filter is not found.
    expect((await t.request({ url: `/api/uplinks?integrationId=${integ.id}`, token: aski })).status).toBe(404);
    expect((await t.request({ url: '/api/uplinks/redecode/123456789', token: hatsu })).status).toBe(404);
    expect((await t.request({ url: '/api/uplinks/redecode/abc', token: hatsu })).status).toBe(404);
    // Reading devices is not enough to re-run them.
    const viewer = await t.request({
      method: 'POST',
      url: '/api/users',
      token: hatsu,
      body: {
        name: 'Device',
        surname: 'Viewer',
        email: 'device.viewer@example.com',
        password: 'Parola123.',
        memberships: [{ tenantId: hatsuId, role: 'Viewer', permissions: matrix({ DEVICES: 'r' }) }],
      },
    });
    expect(viewer.status).toBe(201);
    expect((await post({ deviceId: device.id, from, to }, await t.login('device.viewer@example.com', 'Parola123.'))).status).toBe(403);
    expect((await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).length).toBe(jobsBefore);
  });
});
