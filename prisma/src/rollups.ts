import { sql, type RawBuilder } from 'kysely';

/**
 * Meter days from readings, the way the worker cuts them as uplinks arrive: each meter's readings
 * summed per local day of its tenant's time zone, the day's subscription that of its last reading,
 * added to a day already there. Only one tenant's readings when `tenantId` is given. Used by the seed
 * and by a tenant's time-zone change (which deletes the tenant's days first, in the same transaction).
 */
export function insertMeterDaysFromReadings(tenantId?: string): RawBuilder<unknown> {
  return sql`
    INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count)
    SELECT r.meter_id, r.day, r.tenant_id, (array_agg(r.subscription_id ORDER BY r.time DESC))[1],
           coalesce(sum(r.consumption_m3), 0), max(r.index_m3), count(*)::int
      FROM (SELECT x.*, (x.time AT TIME ZONE t.time_zone)::date AS day
              FROM reading x JOIN tenant t ON t.id = x.tenant_id
             WHERE x.meter_id IS NOT NULL ${tenantId === undefined ? sql`` : sql`AND x.tenant_id = ${tenantId}::uuid`}) r
     GROUP BY r.meter_id, r.day, r.tenant_id
    ON CONFLICT (meter_id, day) DO UPDATE
      SET consumption_m3 = meter_daily_consumption.consumption_m3 + excluded.consumption_m3,
          last_index_m3 = greatest(meter_daily_consumption.last_index_m3, excluded.last_index_m3),
          reading_count = meter_daily_consumption.reading_count + excluded.reading_count`;
}
