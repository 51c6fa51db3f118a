/** Seeded devices with what a simulator needs to speak for them (profile key for encodeUplink, identifier). */
import type { Pool } from 'pg';
import type { DeviceProfileKey } from '@water/db';
import { waterDb } from './common';

/** Device profile model code → payload encoder. */
export const PROFILE_KEYS = waterDb.DEVICE_PROFILE_KEY_BY_MODEL;

export interface SimDevice {
  id: string;
  tenantId: string;
  key: DeviceProfileKey;
  technology: string;
  identifier: string;
  index: number;
  battery: number;
}

export async function loadDevices(pool: Pool, technology?: string): Promise<SimDevice[]> {
  const { rows } = await pool.query(
    `SELECT d.id, d.tenant_id, p.model_code AS model, ct.code AS tech, i.value, m.last_index_m3::text AS index, d.battery_pct::text AS battery
       FROM device d
       JOIN device_profile p ON p.id = d.device_profile_id
       JOIN device_identifier i ON i.device_id = d.id AND i.is_unique
       JOIN communication_technology_field f ON f.id = i.field_id
       JOIN communication_technology ct ON ct.id = f.technology_id
       JOIN meter m ON m.id = d.meter_id
      WHERE d.status = 'ACTIVE' AND ($1::text IS NULL OR ct.code = $1)
      ORDER BY d.id`,
    [technology ?? null],
  );
  return rows
    .filter((r) => PROFILE_KEYS[r.model])
    .map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      key: PROFILE_KEYS[r.model],
      technology: r.tech,
      identifier: r.value,
      index: Number(r.index ?? 0),
      battery: Math.max(20, Number(r.battery ?? 90)),
    }));
}
