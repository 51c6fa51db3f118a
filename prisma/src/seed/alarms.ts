import type { Insertable } from 'kysely';
import type { DB } from '../generated/kysely/types';
import { insertChunked, type SeedContext } from './context';
import type { TenantKey } from './profiles';
import type { AlarmPlan } from './scenarios';

/** Alarms go in after the readings, since a high-usage alarm starts when its day's total crosses the threshold. */
export async function insertAlarms(ctx: SeedContext, alarms: AlarmPlan[], users: Map<TenantKey, string>): Promise<void> {
  const { rng } = ctx;
  const nowMs = ctx.now.getTime();
  const rows: Insertable<DB['alarm']>[] = alarms.map((a) => {
    const s = a.series;
    const details = { ...a.details };
    let startedAt = a.startedAt;
    if (a.type === 'HIGH_USAGE') {
      const r = s.result!;
      startedAt = new Date(r.highUsageStartMs ?? s.endMs);
      details.consumptionM3 = Number((r.highUsageDayLitres / 1000).toFixed(3));
    }
    const start = startedAt!.getTime();
    const ackMs = Math.min(start + rng.int(15, 90) * 60_000, a.clearedAt?.getTime() ?? nowMs, nowMs);
    return {
      id: rng.uuid(),
      tenant_id: a.tenantId,
      type: a.type,
      device_id: a.onDevice ? s.asset.deviceId : null,
      meter_id: s.asset.meterId,
      subscription_id: s.asset.subscription.id,
      started_at: startedAt!,
      cleared_at: a.clearedAt,
      acknowledged_at: a.acknowledged ? new Date(ackMs) : null,
      acknowledged_by: a.acknowledged ? users.get(s.asset.subscription.tenantKey)! : null,
      details,
    };
  });
  await insertChunked(ctx, 'alarm', rows);
}
