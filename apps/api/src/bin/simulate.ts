/**
 * `pnpm simulate`: posts realistic uplinks for the seeded devices through the real webhook endpoints,
 * so the console's live views move during a demo.
 *
 *   pnpm simulate [--rate 5] [--duration 60] [--tenant ASKİ] [--api http://127.0.0.1:3001]
 *
 * It signs in as the seeded super admin (SIM_EMAIL / SIM_PASSWORD), creates one integration per
 * tenant and network kind named "Simulator …" (rotating its secret when it exists), reads the devices
 * and their identifiers from DATABASE_URL, and sends index frames whose values continue each meter's
 * last index. LoRaWAN devices alternate between The Things Stack and ChirpStack formats.
 */
import { parseArgs } from 'node:util';
import { createPool, databaseUrl, DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink, SEED_PASSWORD, type DeviceProfileKey } from '@water/db';

const PROFILE_KEYS = DEVICE_PROFILE_KEY_BY_MODEL;

interface SimDevice {
  id: string;
  tenantId: string;
  tenant: string;
  key: DeviceProfileKey;
  technology: string;
  identifier: string;
  index: number;
  battery: number;
  fCnt: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '5' },
      duration: { type: 'string', default: '60' },
      tenant: { type: 'string' },
      api: { type: 'string', default: process.env.API_URL ?? 'http://127.0.0.1:3001' },
    },
  });
  const rate = Math.max(0.1, Number(values.rate));
  const duration = Math.max(1, Number(values.duration));
  const api = values.api.replace(/\/$/, '');
  const email = process.env.SIM_EMAIL ?? 'iot@una.net.tr';
  const password = process.env.SIM_PASSWORD ?? SEED_PASSWORD;

  // The body's shape is the caller's to name: this script reads a few fields of known answers.
  const http = async <T = unknown>(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${api}${path}`, {
      ...init,
      headers: {
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.headers ?? {}),
      },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  const login = await http<{ accessToken: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`sign-in as ${email} failed: ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.accessToken;

  const pool = createPool(databaseUrl(), { max: 2 });
  const { rows } = await pool.query<{
    id: string;
    tenant_id: string;
    tenant: string;
    model: string;
    tech: string;
    value: string;
    index: string | null;
    battery: string | null;
  }>(
    `SELECT d.id, d.tenant_id, t.name AS tenant, p.model_code AS model, ct.code AS tech, i.value,
            m.last_index_m3::text AS index, d.battery_pct::text AS battery
       FROM device d
       JOIN tenant t ON t.id = d.tenant_id
       JOIN device_profile p ON p.id = d.device_profile_id
       JOIN device_identifier i ON i.device_id = d.id AND i.is_unique
       JOIN communication_technology_field f ON f.id = i.field_id
       JOIN communication_technology ct ON ct.id = f.technology_id
       JOIN meter m ON m.id = d.meter_id
      WHERE d.status = 'ACTIVE' AND ($1::text IS NULL OR t.name = $1)`,
    [values.tenant ?? null],
  );
  await pool.end();
  const devices: SimDevice[] = rows
    .filter((r) => PROFILE_KEYS[r.model])
    .map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      tenant: r.tenant,
      key: PROFILE_KEYS[r.model],
      technology: r.tech,
      identifier: r.value,
      index: Number(r.index ?? 0),
      battery: Number(r.battery ?? 90),
      fCnt: Math.floor(Date.now() / 1000) % 100_000,
    }));
  if (!devices.length) throw new Error('no active seeded devices found: run pnpm db:setup first');

  // One integration per tenant and kind.
  const kinds: Record<string, string[]> = { LORAWAN: ['TTN', 'CHIRPSTACK'], SIGFOX: ['SIGFOX'], NBIOT: ['GENERIC'] };
  const existing = await http<{ id: string; tenantId: string; name: string }[]>('/api/integrations', { token });
  const secrets = new Map<string, { id: string; secret: string }>();
  for (const tenantId of new Set(devices.map((d) => d.tenantId))) {
    for (const kind of ['TTN', 'CHIRPSTACK', 'SIGFOX', 'GENERIC']) {
      const name = `Simulator ${kind}`;
      const found = existing.body.find((i) => i.tenantId === tenantId && i.name === name);
      const res = found
        ? await http<{ id: string; secret: string }>(`/api/integrations/${found.id}/rotate-secret`, { method: 'POST', token })
        : await http<{ id: string; secret: string }>('/api/integrations', {
            method: 'POST',
            token,
            body: JSON.stringify({ tenantId, kind, name }),
          });
      if (res.status >= 300) throw new Error(`integration ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      secrets.set(`${tenantId}:${kind}`, { id: res.body.id, secret: res.body.secret });
    }
  }

  console.log(`simulating ${devices.length} devices at ${rate} uplinks/s for ${duration} s against ${api}`);
  const counts: Record<string, number> = {};
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < duration * 1000) {
    const d = devices[Math.floor(Math.random() * devices.length)];
    d.index = Math.round((d.index + Math.random() * 0.03) * 1000) / 1000;
    d.battery = Math.max(1, d.battery - Math.random() * 0.01);
    d.fCnt++;
    const up = encodeUplink(d.key, { indexM3: d.index, batteryPct: Math.round(d.battery) });
    const now = new Date().toISOString();
    const kind = d.technology === 'LORAWAN' ? (d.fCnt % 2 ? 'TTN' : 'CHIRPSTACK') : (kinds[d.technology]?.[0] ?? 'GENERIC');
    const integ = secrets.get(`${d.tenantId}:${kind}`)!;
    const body =
      kind === 'TTN'
        ? {
            end_device_ids: { dev_eui: d.identifier },
            received_at: now,
            uplink_message: {
              f_port: up.fPort,
              f_cnt: d.fCnt,
              frm_payload: up.payload.toString('base64'),
              rx_metadata: [{ rssi: -70 - Math.round(Math.random() * 40), snr: Math.round(Math.random() * 200 - 50) / 10 }],
            },
          }
        : kind === 'CHIRPSTACK'
          ? {
              time: now,
              deviceInfo: { devEui: d.identifier },
              fPort: up.fPort,
              fCnt: d.fCnt,
              data: up.payload.toString('base64'),
              rxInfo: [{ rssi: -70 - Math.round(Math.random() * 40), snr: 5 }],
            }
          : kind === 'SIGFOX'
            ? {
                device: d.identifier,
                time: Math.floor(Date.now() / 1000),
                data: up.payload.toString('hex'),
                seqNumber: d.fCnt % 4096,
                rssi: '-120.00',
                snr: '10.00',
              }
            : { deviceId: d.identifier, time: now, payloadHex: up.payload.toString('hex'), counter: d.fCnt };
    const res = await http(`/api/ingest/${kind.toLowerCase()}/${integ.id}${kind === 'CHIRPSTACK' ? '?event=up' : ''}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'x-integration-secret': integ.secret },
    });
    counts[res.status] = (counts[res.status] ?? 0) + 1;
    sent++;
    const due = started + (sent / rate) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
  }
  console.log(
    `sent ${sent} uplinks: ${Object.entries(counts)
      .map(([s, n]) => `${n}× ${s}`)
      .join(', ')}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
