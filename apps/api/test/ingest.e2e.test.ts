import type { INestApplicationContext } from '@nestjs/common';
import { encodeUplink, type DeviceProfileKey } from '@water/db';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoSignalService } from '../src/modules/alarms/no-signal.service';
import { connectLive } from './support/live';
import { makeInstallation, makeReading, makeUtilities, rollUpDays } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { until } from './support/until';
import { startTestWorker } from './support/worker';

interface PickedDevice {
  id: string;
  tenant: string;
  key: DeviceProfileKey;
  identifier: string;
  meterId: string;
  lastIndex: number;
}

/** The profile a picked device gets for the identifier it is named by, unless the test names profiles. */
const PROFILE_FOR: Record<string, DeviceProfileKey> = { DevEUI: 'manas-lorawan', ID: 'cem-sigfox', IMEI: 'baylan-nbiot' };

describe('ingestion end to end', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let admin: string;
  /** Utilities A and B under the root: their ids and their administrators' tokens, by label. */
  const tenantIds: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const integrations: Record<string, { id: string; secret: string }> = {};
  let devices: PickedDevice[];

  /**
   * A fresh installation of the utility (its device named by `fieldKey`, on the first of
   * `profileKeys` if given) with a reading an hour ago at its index, rolled up as the worker would.
   */
  async function pick(tenant: string, fieldKey: string, profileKeys?: DeviceProfileKey[]): Promise<PickedDevice> {
    const lastIndex = 100 + devices.length;
    const { device, meter } = await makeInstallation(t, {
      tenant: tenantIds[tenant]!,
      deviceProfile: profileKeys?.[0] ?? PROFILE_FOR[fieldKey],
      initialIndexM3: lastIndex - 1,
    });
    await makeReading(t, { device, time: new Date(Date.now() - 3_600_000), indexM3: lastIndex, consumptionM3: 1, batteryPct: 90 });
    await rollUpDays(t, { meterId: meter.id });
    const d = { id: device.id, tenant, key: device.key, identifier: device.identifiers[fieldKey]!, meterId: meter.id, lastIndex };
    devices.push(d);
    return d;
  }

  async function integration(tenant: string, kind: string, externalId?: string) {
    const tenantId = tenantIds[tenant];
    const res = await t.request({
      method: 'POST',
      url: '/api/integrations',
      token: admin,
      body: { tenantId, kind, name: `${kind} ${tenant}`, externalId },
    });
    expect(res.status).toBe(201);
    integrations[`${kind}:${tenant}`] = { id: res.body.id, secret: res.body.secret };
    return integrations[`${kind}:${tenant}`];
  }

  const readingsOf = (deviceId: string) =>
    t.sql<{ index_m3: string; consumption_m3: string | null; time: Date }>(
      'SELECT index_m3, consumption_m3, time FROM reading WHERE device_id = $1 ORDER BY time DESC',
      [deviceId],
    );

  beforeAll(async () => {
    t = await startTestApp('ingest', { listen: true });
    worker = await startTestWorker(t.config, { MQTT_ENABLED: true, WORKER_CONCURRENCY: 4 });
    const { a, b, rootAdmin, aAdmin, bAdmin } = await makeUtilities(t);
    admin = rootAdmin.token;
    Object.assign(tenantIds, { A: a.id, B: b.id });
    Object.assign(tokens, { A: aAdmin.token, B: bAdmin.token });
    devices = [];
    await integration('A', 'TTN');
    await integration('A', 'CHIRPSTACK', 'aski-chirpstack-app');
    await integration('B', 'SIGFOX');
    await integration('A', 'GENERIC');
    await integration('B', 'TTN');
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('stores a TTN uplink, decodes it, and pushes it to the tenant and root watchers only', async () => {
    const d = await pick('A', 'DevEUI');
    const [askiLive, rootLive, hatsuLive] = await Promise.all([
      connectLive(t.url, tokens.A),
      connectLive(t.url, admin),
      connectLive(t.url, tokens.B),
    ]);
    const index = d.lastIndex + 0.123;
    const up = encodeUplink(d.key, { indexM3: index, batteryPct: 81 });
    const receivedAt = new Date().toISOString();
    const res = await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${integrations['TTN:A'].id}`,
      headers: { 'x-integration-secret': integrations['TTN:A'].secret },
      body: {
        end_device_ids: { device_id: 'eui-x', dev_eui: d.identifier.toUpperCase(), application_ids: { application_id: 'aski' } },
        correlation_ids: ['as:up:01'],
        received_at: receivedAt,
        uplink_message: {
          f_port: up.fPort,
          f_cnt: 4242,
          frm_payload: up.payload.toString('base64'),
          rx_metadata: [
            { gateway_ids: { gateway_id: 'gw1' }, rssi: -97, channel_rssi: -97, snr: 7.25 },
            { rssi: -110, snr: -2 },
          ],
          settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } } },
          received_at: receivedAt,
        },
      },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted' });
    const seen = await askiLive.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d.id);
    expect(seen.payload).toMatchObject({ indexM3: Number(index.toFixed(3)), batteryPct: 81, rssi: -97, snr: 7.25 });
    // The quality the rules gave it on arrival, as GET /api/readings/live answers it.
    expect(seen.payload).toMatchObject({ quality: 'VALID', qualityRule: null });
    expect(seen.payload.consumptionM3).toBeCloseTo(0.123, 3);
    await rootLive.waitFor((e) => e.name === 'reading.created' && e.payload.deviceId === d.id);
    const rows = await readingsOf(d.id);
    expect(Number(rows[0].index_m3)).toBeCloseTo(index, 3);
    const [dev] = await t.sql('SELECT battery_pct::float AS b, rssi, last_seen_at FROM device WHERE id = $1', [d.id]);
    expect(dev).toMatchObject({ b: 81, rssi: -97 });
    const [up1] = await t.sql(`SELECT status, f_cnt::int, f_port FROM uplink WHERE device_id = $1 ORDER BY received_at DESC LIMIT 1`, [
      d.id,
    ]);
    expect(up1).toMatchObject({ status: 'DECODED', f_cnt: 4242, f_port: up.fPort });
    await new Promise((r) => setTimeout(r, 300));
    expect(hatsuLive.events.some((e) => e.name === 'reading.created' && e.payload.deviceId === d.id)).toBe(false);
    // A later index 50 litres lower arrives SUSPECT, and the live event says so (the live table's badge).
    const back = encodeUplink(d.key, { indexM3: index - 0.05, batteryPct: 81 });
    const laterAt = new Date(Date.parse(receivedAt) + 60_000).toISOString();
    const res2 = await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${integrations['TTN:A'].id}`,
      headers: { 'x-integration-secret': integrations['TTN:A'].secret },
      body: {
        end_device_ids: { dev_eui: d.identifier },
        received_at: laterAt,
        uplink_message: { f_port: back.fPort, f_cnt: 4243, frm_payload: back.payload.toString('base64'), received_at: laterAt },
      },
    });
    expect(res2.status).toBe(202);
    const suspect = await askiLive.waitFor(
      (e) => e.name === 'reading.created' && e.payload.deviceId === d.id && e.payload.time !== seen.payload.time,
    );
    expect(suspect.payload).toMatchObject({ quality: 'SUSPECT', qualityRule: 'backward-index', consumptionM3: 0 });
    for (const l of [askiLive, rootLive, hatsuLive]) l.socket.close();
  });

  it('stores a ChirpStack v4 uplink with omitted zero fields and ignores other event types', async () => {
    const d = await pick('A', 'DevEUI');
    const up = encodeUplink(d.key, { indexM3: d.lastIndex + 1.5, batteryPct: 70 });
    const integ = integrations['CHIRPSTACK:A'];
    const res = await t.request({
      method: 'POST',
      url: `/api/ingest/chirpstack/${integ.id}?event=up`,
      headers: { authorization: `Bearer ${integ.secret}` },
      body: {
        deduplicationId: 'x',
        time: new Date().toISOString(),
        deviceInfo: { tenantId: 't', applicationId: 'aski-chirpstack-app', devEui: d.identifier },
        devAddr: '01020304',
        fPort: up.fPort,
        data: up.payload.toString('base64'),
        rxInfo: [{ gatewayId: 'g', rssi: -80, snr: 9 }],
      },
    });
    expect(res.status).toBe(202);
    const rows = await until(async () => {
      const r = await readingsOf(d.id);
      return Number(r[0]?.index_m3) > d.lastIndex + 1 ? r : null;
    });
    expect(Number(rows[0].consumption_m3)).toBeCloseTo(1.5, 3);
    const status = await t.request({
      method: 'POST',
      url: `/api/ingest/chirpstack/${integ.id}?event=status&token=${integ.secret}`,
      body: { margin: 10 },
    });
    expect(status.status).toBe(204);
    // Every event type proves the integration's secret, not only "up".
    expect(
      (await t.request({ method: 'POST', url: `/api/ingest/chirpstack/${integ.id}?event=status&token=wrong`, body: { margin: 10 } }))
        .status,
    ).toBe(401);
    expect((await t.request({ method: 'POST', url: `/api/ingest/chirpstack/${integ.id}?event=join`, body: {} })).status).toBe(401);
  });

  it('stops accepting an old secret and a deactivated integration within a second', async () => {
    const d = await pick('B', 'DevEUI');
    const tenantId = tenantIds.B!;
    const created = (
      await t.request({ method: 'POST', url: '/api/integrations', token: admin, body: { tenantId, kind: 'TTN', name: 'rotating' } })
    ).body;
    let counter = 50_000;
    const send = (secret: string) => {
      const up = encodeUplink(d.key, { indexM3: d.lastIndex + counter / 1e6, batteryPct: 70 });
      return t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${created.id}`,
        headers: { 'x-integration-secret': secret },
        body: {
          end_device_ids: { dev_eui: d.identifier },
          received_at: new Date().toISOString(),
          uplink_message: { f_port: up.fPort, f_cnt: counter++, frm_payload: up.payload.toString('base64') },
        },
      });
    };
    expect((await send(created.secret)).status).toBe(202);
    const rotated = await t.request({ method: 'POST', url: `/api/integrations/${created.id}/rotate-secret`, token: admin });
    expect(rotated.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await send(created.secret)).status).toBe(401);
    expect((await send(rotated.body.secret)).status).toBe(202);
    expect(
      (await t.request({ method: 'PATCH', url: `/api/integrations/${created.id}`, token: admin, body: { isActive: false } })).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await send(rotated.body.secret)).status).toBe(401);
  });

  it('stores a Sigfox callback for B and an NB-IoT uplink through the generic format', async () => {
    const s = await pick('B', 'ID');
    const up = encodeUplink(s.key, { indexM3: s.lastIndex + 0.25, batteryPct: 60 });
    const sig = integrations['SIGFOX:B'];
    const res = await t.request({
      method: 'POST',
      url: `/api/ingest/sigfox/${sig.id}?token=${sig.secret}`,
      body: {
        device: s.identifier.toUpperCase(),
        time: Math.floor(Date.now() / 1000),
        data: up.payload.toString('hex'),
        seqNumber: 77,
        rssi: '-121.00',
        snr: '12.5',
        station: '1A2B',
        deviceTypeId: 'abc',
      },
    });
    expect(res.status).toBe(202);
    await until(async () => Number((await readingsOf(s.id))[0]?.index_m3) > s.lastIndex);

    const n = await pick('A', 'IMEI');
    const nb = encodeUplink(n.key, { indexM3: n.lastIndex + 0.5, batteryPct: 90 });
    const gen = integrations['GENERIC:A'];
    const res2 = await t.request({
      method: 'POST',
      url: `/api/ingest/generic/${gen.id}`,
      headers: { 'x-integration-secret': gen.secret },
      body: {
        deviceId: n.identifier,
        idType: 'IMEI',
        time: new Date().toISOString(),
        payloadBase64: nb.payload.toString('base64'),
        counter: 5,
      },
    });
    expect(res2.status).toBe(202);
    await until(async () => Number((await readingsOf(n.id))[0]?.index_m3) > n.lastIndex);
  });

  it('stores duplicate deliveries once', async () => {
    const d = await pick('A', 'DevEUI');
    const up = encodeUplink(d.key, { indexM3: d.lastIndex + 0.01, batteryPct: 80 });
    const integ = integrations['TTN:A'];
    const body = {
      end_device_ids: { dev_eui: d.identifier },
      received_at: new Date().toISOString(),
      uplink_message: { f_port: up.fPort, f_cnt: 9001, frm_payload: up.payload.toString('base64') },
    };
    const deliver = () =>
      t.request({ method: 'POST', url: `/api/ingest/ttn/${integ.id}`, headers: { 'x-integration-secret': integ.secret }, body });
    const answers = await Promise.all([1, 2, 3].map(deliver));
    // One is taken; copies that arrive while it is being queued are told to retry, never "duplicate" before it is queued.
    expect(answers.filter((a) => a.body.status === 'accepted')).toHaveLength(1);
    for (const a of answers.filter((x) => x.body.status !== 'accepted')) {
      if (a.status === 503) expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
      else expect(a.body.status).toBe('duplicate');
    }
    expect((await deliver()).body.status).toBe('duplicate');
    await until(async () => (await t.sql(`SELECT 1 FROM uplink WHERE device_id = $1 AND f_cnt = 9001`, [d.id])).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await t.sql(`SELECT 1 FROM uplink WHERE device_id = $1 AND f_cnt = 9001`, [d.id])).toHaveLength(1);
  });

  it('rejects bad secrets, foreign devices, malformed bodies and odd hex without storing anything', async () => {
    const before = (await t.sql('SELECT count(*)::int AS n FROM uplink'))[0].n;
    const ttn = integrations['TTN:A'];
    const hatsuDevice = await pick('B', 'DevEUI');
    const good = (eui: string) => ({ end_device_ids: { dev_eui: eui }, uplink_message: { f_port: 1, frm_payload: 'AQID' } });
    const post = (url: string, body: unknown, secret?: string) =>
      t.request({ method: 'POST', url, body, headers: secret ? { 'x-integration-secret': secret } : {} });
    expect((await post(`/api/ingest/ttn/${ttn.id}`, good(hatsuDevice.identifier))).status).toBe(401);
    expect((await post(`/api/ingest/ttn/${ttn.id}`, good(hatsuDevice.identifier), 'wrong-secret')).status).toBe(401);
    // A device of B through A's integration is unknown there.
    expect((await post(`/api/ingest/ttn/${ttn.id}`, good(hatsuDevice.identifier), ttn.secret)).status).toBe(404);
    expect((await post(`/api/ingest/ttn/${ttn.id}`, good('0000000000000000'), ttn.secret)).status).toBe(404);
    const bad = await post(
      `/api/ingest/ttn/${ttn.id}`,
      { end_device_ids: { dev_eui: 'xyz' }, uplink_message: { frm_payload: '***' } },
      ttn.secret,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((x: { path: string[] }) => x.path.join('.'))).toEqual(
      expect.arrayContaining(['end_device_ids.dev_eui', 'uplink_message.frm_payload']),
    );
    const sig = integrations['SIGFOX:B'];
    const odd = await post(
      `/api/ingest/sigfox/${sig.id}`,
      { device: '1A2B3C', time: Math.floor(Date.now() / 1000), data: 'abc' },
      sig.secret,
    );
    expect(odd.status).toBe(400);
    // The wrong kind of body for an integration.
    expect((await post(`/api/ingest/chirpstack/${ttn.id}`, { deviceInfo: { devEui: hatsuDevice.identifier } }, ttn.secret)).status).toBe(
      400,
    );
    const huge = await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${ttn.id}`,
      headers: { 'x-integration-secret': ttn.secret, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await t.sql('SELECT count(*)::int AS n FROM uplink'))[0].n).toBe(before);
  });

  it('keeps consumption and the daily rollup right for frames batched together and for a late frame', async () => {
    const d = await pick('A', 'DevEUI');
    const integ = integrations['TTN:A'];
    const base = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;
    const post = (hour: number, index: number, fCnt: number) => {
      const up = encodeUplink(d.key, { indexM3: index, batteryPct: 80 });
      return t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: {
          end_device_ids: { dev_eui: d.identifier },
          received_at: new Date(base + hour * 3_600_000).toISOString(),
          uplink_message: { f_port: up.fPort, f_cnt: fCnt, frm_payload: up.payload.toString('base64') },
        },
      });
    };
    const i0 = d.lastIndex;
    // Hours 1 and 3 arrive together (one batch), hour 2 afterwards: its successor must be corrected.
    const together = await Promise.all([post(1, i0 + 0.1, 501), post(3, i0 + 0.45, 503)]);
    expect(together.map((r) => r.status)).toEqual([202, 202]);
    await until(async () => (await t.sql(`SELECT 1 FROM reading WHERE device_id = $1 AND time > $2`, [d.id, new Date(base)])).length === 2);
    expect((await post(2, i0 + 0.25, 502)).status).toBe(202);
    await until(async () => (await t.sql(`SELECT 1 FROM reading WHERE device_id = $1 AND time > $2`, [d.id, new Date(base)])).length === 3);

    const rows = await t.sql<{ consumption_m3: string }>(
      `SELECT consumption_m3 FROM reading WHERE device_id = $1 AND time > $2 ORDER BY time`,
      [d.id, new Date(base)],
    );
    expect(rows.map((r) => Number(r.consumption_m3))).toEqual([0.1, 0.15, 0.2]);
    const meter = await t.sql<{ last_index_m3: string }>(`SELECT last_index_m3 FROM meter WHERE id = $1`, [d.meterId]);
    expect(Number(meter[0].last_index_m3)).toBeCloseTo(i0 + 0.45, 3);
    // The rollup of each day equals the sum of that day's readings (tenant time zone).
    const days = await t.sql<{ day: string; rollup: string; readings: string; count: number; n: number }>(
      `SELECT c.day::text, c.consumption_m3::text AS rollup, c.reading_count AS count, r.sum::text AS readings, r.n
         FROM meter_daily_consumption c
         JOIN LATERAL (SELECT coalesce(sum(consumption_m3), 0) AS sum, count(*)::int AS n FROM reading
                        WHERE meter_id = c.meter_id AND (time AT TIME ZONE 'Europe/Istanbul')::date = c.day) r ON true
        WHERE c.meter_id = $1 AND c.day >= (($2::timestamptz) AT TIME ZONE 'Europe/Istanbul')::date`,
      [d.meterId, new Date(base)],
    );
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) {
      expect(Number(day.rollup), day.day).toBeCloseTo(Number(day.readings), 3);
      expect(day.count, day.day).toBe(day.n);
    }
  });

  it('cuts days in the tenant’s new time zone from the first batch after the change', async () => {
    const d = await pick('B', 'DevEUI');
    const integ = integrations['TTN:B'];
    const hatsuId = tenantIds.B!;
    const post = async (time: number, index: number, fCnt: number) => {
      const up = encodeUplink(d.key, { indexM3: index, batteryPct: 80 });
      const res = await t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: {
          end_device_ids: { dev_eui: d.identifier },
          received_at: new Date(time).toISOString(),
          uplink_message: { f_port: up.fPort, f_cnt: fCnt, frm_payload: up.payload.toString('base64') },
        },
      });
      expect(res.status).toBe(202);
      await until(
        async () => (await t.sql('SELECT 1 FROM reading WHERE device_id = $1 AND time = $2', [d.id, new Date(time)])).length === 1,
      );
    };
    const DAY = 86_400_000;
    const midnight = Math.ceil(Date.now() / DAY) * DAY + DAY; // a UTC midnight ahead of every reading made so far
    const rollupMatchesReadings = async (zone: string) => {
      const [diff] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM (
           (SELECT day, consumption_m3, reading_count FROM meter_daily_consumption WHERE meter_id = $1
            EXCEPT SELECT (time AT TIME ZONE $2)::date, sum(consumption_m3), count(*)::int FROM reading WHERE meter_id = $1 GROUP BY 1)
           UNION ALL
           (SELECT (time AT TIME ZONE $2)::date, sum(consumption_m3), count(*)::int FROM reading WHERE meter_id = $1 GROUP BY 1
            EXCEPT SELECT day, consumption_m3, reading_count FROM meter_daily_consumption WHERE meter_id = $1)) x`,
        [d.meterId, zone],
      );
      return diff.n;
    };
    try {
      // 18:00 UTC: this frame puts the device (and its tenant's zone, Istanbul) in the worker's cache.
      await post(midnight - 6 * 3_600_000, d.lastIndex + 0.2, 701);
      expect(await rollupMatchesReadings('Europe/Istanbul')).toBe(0);
      const patched = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${hatsuId}`,
        token: admin,
        body: { timeZone: 'America/New_York' },
      });
      expect(patched.status).toBe(200);
      // 02:00 UTC is 05:00 of the next day in Istanbul but still 21:00 of the same day in New York.
      await post(midnight + 2 * 3_600_000, d.lastIndex + 0.5, 702);
      expect(await rollupMatchesReadings('America/New_York')).toBe(0);
      const [day] = await t.sql<{ day: string; n: number }>(
        `SELECT day::text, reading_count AS n FROM meter_daily_consumption WHERE meter_id = $1 ORDER BY day DESC LIMIT 1`,
        [d.meterId],
      );
      expect(day).toEqual({ day: new Date(midnight - DAY).toISOString().slice(0, 10), n: 2 });
    } finally {
      const restored = await t.request({
        method: 'PATCH',
        url: `/api/tenants/${hatsuId}`,
        token: admin,
        body: { timeZone: 'Europe/Istanbul' },
      });
      expect(restored.status).toBe(200);
    }
  });

  it('records a decode failure on the uplink and keeps processing other devices', async () => {
    const d = await pick('B', 'DevEUI');
    const other = await pick('B', 'DevEUI');
    const integ = integrations['TTN:B'];
    const send = (dev: PickedDevice, payload: Buffer, fPort: number | null, fCnt: number) =>
      t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: {
          end_device_ids: { dev_eui: dev.identifier },
          received_at: new Date().toISOString(),
          uplink_message: { f_port: fPort ?? 1, f_cnt: fCnt, frm_payload: payload.toString('base64') },
        },
      });
    expect((await send(d, Buffer.from([0xff]), 1, 1)).status).toBe(202);
    const good = encodeUplink(other.key, { indexM3: other.lastIndex + 0.2, batteryPct: 75 });
    expect((await send(other, good.payload, good.fPort, 2)).status).toBe(202);
    const failed = await until(
      async () => (await t.sql(`SELECT status, errors FROM uplink WHERE device_id = $1 AND f_cnt = 1`, [d.id]))[0],
    );
    expect(failed.status).toBe('FAILED');
    expect(JSON.stringify(failed.errors)).toMatch(/./);
    await until(async () => Number((await readingsOf(other.id))[0]?.index_m3) > other.lastIndex);
    // Operators find the frame and its error; other tenants cannot.
    const hatsuToken = tokens.B;
    const listed = await t.request({ url: `/api/uplinks?status=FAILED&deviceId=${d.id}`, token: hatsuToken });
    expect(listed.status).toBe(200);
    expect(listed.body.items[0]).toMatchObject({ deviceId: d.id, status: 'FAILED', payloadHex: 'ff', fCnt: 1 });
    expect(listed.body.items[0].errors.length).toBeGreaterThan(0);
    expect((await t.request({ url: `/api/uplinks?deviceId=${d.id}`, token: tokens.A })).status).toBe(404);
  });

  it('opens and clears alarms from decoded flags and tells the watchers', async () => {
    const d = await pick('A', 'DevEUI', ['manas-lorawan', 'itron-lorawan', 'ima-lorawan', 'klepsan-lorawan']);
    const live = await connectLive(t.url, admin);
    const integ = integrations['TTN:A'];
    const send = (values: Parameters<typeof encodeUplink>[1], kind: 'index' | 'alarm', fCnt: number) => {
      const up = encodeUplink(d.key, values, kind);
      return t.request({
        method: 'POST',
        url: `/api/ingest/ttn/${integ.id}`,
        headers: { 'x-integration-secret': integ.secret },
        body: {
          end_device_ids: { dev_eui: d.identifier },
          received_at: new Date(Date.now() + fCnt).toISOString(),
          uplink_message: { f_port: up.fPort, f_cnt: fCnt, frm_payload: up.payload.toString('base64') },
        },
      });
    };
    expect((await send({ indexM3: d.lastIndex + 0.05, batteryPct: 80, alarms: { tamper: true } }, 'alarm', 501)).status).toBe(202);
    const opened = await live.waitFor((e) => e.name === 'alarm.opened' && e.payload.deviceId === d.id && e.payload.type === 'TAMPER');
    expect(opened.payload.clearedAt).toBeNull();
    expect((await send({ indexM3: d.lastIndex + 0.06, batteryPct: 80, alarms: { tamper: false } }, 'alarm', 502)).status).toBe(202);
    await live.waitFor((e) => e.name === 'alarm.cleared' && e.payload.id === opened.payload.id);
    const rows = await t.sql(`SELECT cleared_at FROM alarm WHERE id = $1`, [opened.payload.id]);
    expect(rows[0].cleared_at).not.toBeNull();
    live.socket.close();
  });

  it('accepts ChirpStack uplinks over MQTT on the same path', async () => {
    const d = await pick('A', 'DevEUI');
    const up = encodeUplink(d.key, { indexM3: d.lastIndex + 2, batteryPct: 66 });
    const client = await mqtt.connectAsync(t.config.MQTT_URL);
    await client.publishAsync(
      `application/aski-chirpstack-app/device/${d.identifier}/event/up`,
      JSON.stringify({
        time: new Date().toISOString(),
        deviceInfo: { applicationId: 'aski-chirpstack-app', devEui: d.identifier },
        fPort: up.fPort,
        fCnt: 31,
        data: up.payload.toString('base64'),
      }),
      { qos: 1 },
    );
    await client.endAsync();
    await until(async () => Number((await readingsOf(d.id))[0]?.index_m3) >= d.lastIndex + 2);
  });

  it('opens NO_SIGNAL for a silent device and clears it with its next uplink', async () => {
    const d = await pick('A', 'DevEUI');
    await t.sql(`UPDATE alarm SET cleared_at = now() WHERE device_id = $1 AND cleared_at IS NULL`, [d.id]);
    await t.sql(`UPDATE device SET last_seen_at = now() - interval '5 hours' WHERE id = $1`, [d.id]);
    const opened = await worker.get(NoSignalService).check();
    expect(opened).toBeGreaterThanOrEqual(1);
    const open = await t.sql(`SELECT id FROM alarm WHERE device_id = $1 AND type = 'NO_SIGNAL' AND cleared_at IS NULL`, [d.id]);
    expect(open).toHaveLength(1);
    // Running the check again opens nothing new for it.
    await worker.get(NoSignalService).check();
    expect(await t.sql(`SELECT id FROM alarm WHERE device_id = $1 AND type = 'NO_SIGNAL'`, [d.id])).toHaveLength(1);
    const up = encodeUplink(d.key, { indexM3: d.lastIndex + 0.3, batteryPct: 80 });
    const integ = integrations['TTN:A'];
    await t.request({
      method: 'POST',
      url: `/api/ingest/ttn/${integ.id}`,
      headers: { 'x-integration-secret': integ.secret },
      body: {
        end_device_ids: { dev_eui: d.identifier },
        received_at: new Date().toISOString(),
        uplink_message: { f_port: up.fPort, f_cnt: 601, frm_payload: up.payload.toString('base64') },
      },
    });
    await until(async () => (await t.sql(`SELECT cleared_at FROM alarm WHERE id = $1`, [open[0].id]))[0].cleared_at);
  });

  it('refuses live connections without a valid token', async () => {
    await expect(connectLive(t.url, 'not-a-token')).rejects.toThrow();
  });
});
