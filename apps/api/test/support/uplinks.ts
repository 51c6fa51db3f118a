import { DEVICE_PROFILE_KEY_BY_MODEL, encodeUplink, type DeviceProfileKey } from '@water/db';
import type { TestApp } from './test-app';

/** A seeded LoRaWAN device with a meter, as ingest tests post for it. */
export interface LoraDevice {
  id: string;
  eui: string;
  model: string;
  /** Key of its profile in the seed's payload encoders. */
  key: DeviceProfileKey;
  /** Its meter's last index, m³. */
  last: number;
  profileId: string;
  tenantId: string;
}

/**
 * Active seeded devices of a tenant that have a DevEUI and a meter, in serial order (or reversed),
 * restricted to profiles the seed can encode payloads for (and to `models` when given).
 */
export async function loraDevices(
  t: TestApp,
  tenant: string,
  options: { limit?: number; models?: string[]; descending?: boolean } = {},
): Promise<LoraDevice[]> {
  const rows = await t.sql<{ id: string; eui: string; model: string; last: string; profile_id: string; tenant_id: string }>(
    `SELECT d.id, i.value AS eui, p.model_code AS model, m.last_index_m3::text AS last, p.id AS profile_id, d.tenant_id
       FROM device d JOIN tenant t ON t.id = d.tenant_id
       JOIN device_profile p ON p.id = d.device_profile_id JOIN meter m ON m.id = d.meter_id
       JOIN device_identifier i ON i.device_id = d.id JOIN communication_technology_field f ON f.id = i.field_id AND f.key = 'DevEUI'
      WHERE t.name = $1 AND d.status = 'ACTIVE' AND p.model_code = ANY($2)
      ORDER BY d.serial_no ${options.descending ? 'DESC' : 'ASC'} LIMIT $3`,
    [tenant, options.models ?? Object.keys(DEVICE_PROFILE_KEY_BY_MODEL), options.limit ?? 1000],
  );
  return rows.map((r) => ({
    id: r.id,
    eui: r.eui,
    model: r.model,
    key: DEVICE_PROFILE_KEY_BY_MODEL[r.model]!,
    last: Number(r.last),
    profileId: r.profile_id,
    tenantId: r.tenant_id,
  }));
}

/** Creates an integration of `kind` for a tenant (by name) and answers its id and one-time secret. */
export async function createIntegration(
  t: TestApp,
  token: string,
  tenant: string,
  kind: 'TTN' | 'CHIRPSTACK' | 'SIGFOX' | 'GENERIC',
  name: string,
): Promise<{ id: string; secret: string }> {
  const [row] = await t.sql<{ id: string }>('SELECT id FROM tenant WHERE name = $1', [tenant]);
  const res = await t.request({ method: 'POST', url: '/api/integrations', token, body: { tenantId: row!.id, kind, name } });
  if (res.status !== 201) throw new Error(`integration: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, secret: res.body.secret };
}

/** The Things Stack's webhook body for one frame of `d` carrying `indexM3`. */
export function ttnUplink(d: Pick<LoraDevice, 'eui' | 'key'>, frame: { indexM3: number; fCnt: number; at: Date; batteryPct?: number }) {
  const up = encodeUplink(d.key, { indexM3: frame.indexM3, batteryPct: frame.batteryPct ?? 70 });
  return {
    end_device_ids: { dev_eui: d.eui },
    received_at: frame.at.toISOString(),
    uplink_message: { f_port: up.fPort, f_cnt: frame.fCnt, frm_payload: up.payload.toString('base64') },
  };
}
