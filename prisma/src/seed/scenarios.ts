/**
 * What each seeded meter lives through in its reading window, chosen so the dashboard map shows every
 * colour in each tenant (BRIEF-NOTES: red alarm > orange high usage > grey offline > green):
 *  - red: open TAMPER, LOW_BATTERY, TILT, REVERSE_FLOW alarms, flagged in the readings from their start;
 *  - orange: a leak pushing a NORMAL subscription over its daily threshold, with an open HIGH_USAGE alarm;
 *  - grey: devices whose uplinks stopped 2–5 days ago, with an open NO_SIGNAL alarm;
 *  - out of service: meters in MAINTENANCE/PASSIVE that keep their history but stopped reporting;
 *  - a closed valve, and some cleared (acknowledged) alarms in the history of green meters.
 */
import type { AlarmType } from '../generated/kysely/enums';
import type { AssetPlan } from './assets';
import { DAY_MS, HOUR_MS, ISTANBUL_OFFSET_MS, type SeedContext } from './context';
import { SUBSCRIPTION_GROUPS } from './definitions';

export type Role =
  'NORMAL' | 'TAMPER' | 'LOW_BATTERY' | 'TILT' | 'REVERSE_FLOW' | 'HIGH_USAGE' | 'OFFLINE' | 'OUT_OF_SERVICE' | 'VALVE_CLOSED';

export const RED_ROLES = ['TAMPER', 'LOW_BATTERY', 'TILT', 'REVERSE_FLOW'] as const;

interface TenantScenarioCounts {
  /** Devices per red alarm type. */
  redEach: number;
  highUsage: number;
  offline: number;
  maintenance: number;
  passive: number;
  valveClosed: number;
  clearedAlarms: number;
}

export const SCENARIO_COUNTS: Record<'ASKI' | 'HATSU', TenantScenarioCounts> = {
  ASKI: { redEach: 2, highUsage: 3, offline: 3, maintenance: 3, passive: 2, valveClosed: 1, clearedAlarms: 6 },
  HATSU: { redEach: 2, highUsage: 3, offline: 3, maintenance: 2, passive: 1, valveClosed: 1, clearedAlarms: 4 },
};

export interface FlagPeriod {
  type: AlarmType;
  fromMs: number;
  /** Exclusive; null while the alarm is still open. */
  toMs: number | null;
}

export interface ReadingSeries {
  asset: AssetPlan;
  role: Role;
  /** Time of the last reading and number of readings (always readingDays × readingsPerDay). */
  endMs: number;
  count: number;
  stepMs: number;
  /** Index in litres just before the first reading of the window. */
  startLitres: number;
  dailyLitres: number;
  curve: 'HOUSEHOLD' | 'BUSINESS';
  /** Standard deviation of the hourly multiplicative noise. */
  noise: number;
  /** Extra flow (leaks) on top of the normal curve. */
  extraFlows: Array<{ fromMs: number; toMs: number | null; litresPerHour: number }>;
  valveClosedFromMs: number | null;
  battery: { startPct: number; perDayPct: number; lowFromMs: number | null };
  flags: FlagPeriod[];
  rssiBase: number;
  snrBase: number;
  /** Daily threshold of the subscription's group in litres. */
  thresholdLitres: number;
  /** Filled while the readings are generated. */
  result: {
    lastMs: number;
    lastLitres: number;
    /** First reading at which a leaking day crossed the threshold. */
    highUsageStartMs: number | null;
    highUsageDayLitres: number;
  } | null;
}

export interface AlarmPlan {
  tenantId: string;
  type: AlarmType;
  series: ReadingSeries;
  /** Subscription-level alarms (HIGH_USAGE) carry no device. */
  onDevice: boolean;
  startedAt: Date | null;
  clearedAt: Date | null;
  acknowledged: boolean;
  details: Record<string, unknown>;
}

const LOCAL = (ms: number) => ms + ISTANBUL_OFFSET_MS;

/** Start of the local (Europe/Istanbul) day containing `ms`, as a UTC instant. */
export function localMidnight(ms: number): number {
  return Math.floor(LOCAL(ms) / DAY_MS) * DAY_MS - ISTANBUL_OFFSET_MS;
}

const SIGNAL: Record<string, { rssi: [number, number]; snr: [number, number] }> = {
  LORAWAN: { rssi: [-112, -72], snr: [-6, 9] },
  SIGFOX: { rssi: [-128, -98], snr: [8, 25] },
  NBIOT: { rssi: [-105, -70], snr: [0, 18] },
};

export function planScenarios(ctx: SeedContext, assets: AssetPlan[]): { series: ReadingSeries[]; alarms: AlarmPlan[] } {
  const { rng, readingDays, readingsPerDay } = ctx;
  const nowMs = ctx.now.getTime();
  const stepMs = DAY_MS / readingsPerDay;
  const count = readingDays * readingsPerDay;
  const roles = new Map<AssetPlan, Role>(assets.map((a) => [a, 'NORMAL']));

  for (const tenant of ['ASKI', 'HATSU'] as const) {
    const c = SCENARIO_COUNTS[tenant];
    const households = rng.shuffle(assets.filter((a) => a.subscription.tenantKey === tenant && a.subscription.usage === 'HOUSEHOLD'));
    const take = (n: number, role: Role, filter: (a: AssetPlan) => boolean = () => true) => {
      const picked = households.filter((a) => roles.get(a) === 'NORMAL' && filter(a)).slice(0, n);
      if (picked.length < n) throw new Error(`not enough ${tenant} meters for ${role}`);
      picked.forEach((a) => roles.set(a, role));
      return picked;
    };
    take(c.valveClosed, 'VALVE_CLOSED', (a) => a.meterProfile.hasValve).forEach((a) => (a.valveState = 'CLOSED'));
    for (const role of RED_ROLES) take(c.redEach, role);
    take(c.highUsage, 'HIGH_USAGE');
    take(c.offline, 'OFFLINE');
    take(c.maintenance, 'OUT_OF_SERVICE').forEach((a) => (a.status = 'MAINTENANCE'));
    take(c.passive, 'OUT_OF_SERVICE').forEach((a) => (a.status = 'PASSIVE'));
  }

  const series: ReadingSeries[] = [];
  const alarms: AlarmPlan[] = [];
  // Open alarms started within the last few days (half the window at most, for short test windows).
  const recentSteps = () => {
    const lo = Math.max(1, Math.ceil(readingsPerDay / 2));
    return rng.int(lo, Math.max(lo, Math.floor(Math.min(4, readingDays / 2) * readingsPerDay)));
  };

  for (const asset of assets) {
    const role = roles.get(asset)!;
    const sub = asset.subscription;
    const usage = sub.usage;
    let endMs = nowMs;
    if (role === 'OFFLINE') endMs = nowMs - Math.round(rng.float(2, 5) * readingsPerDay) * stepMs;
    if (role === 'OUT_OF_SERVICE') endMs = nowMs - Math.round(rng.float(6, 12) * readingsPerDay) * stepMs;
    const firstMs = endMs - (count - 1) * stepMs;

    const dailyLitres = usage === 'HOUSEHOLD' ? rng.int(200, 600) : usage === 'SMALL_BUSINESS' ? rng.int(500, 900) : rng.int(2000, 5500);
    const priorDays = Math.max(0, (firstMs - stepMs - asset.installedAt.getTime()) / DAY_MS);
    const startLitres = Math.round(asset.initialIndexM3 * 1000 + dailyLitres * priorDays * rng.float(0.85, 1.1));

    const lifeDays = asset.deviceProfile.batteryLifeMonths * 30.44;
    const perDayPct = (100 / lifeDays) * rng.float(1, 1.4);
    const ageDays = (firstMs - asset.installedAt.getTime()) / DAY_MS;
    const signal = SIGNAL[asset.deviceProfile.technology];
    // Devices that went silent usually had the weakest links.
    const rssiBase = role === 'OFFLINE' ? signal.rssi[0] + rng.int(0, 5) : rng.int(signal.rssi[0] + 4, signal.rssi[1]);
    const threshold = SUBSCRIPTION_GROUPS.find((g) => g.code === sub.group)!.dailyThresholdM3 * 1000;

    const s: ReadingSeries = {
      asset,
      role,
      endMs,
      count,
      stepMs,
      startLitres,
      dailyLitres,
      curve: usage === 'HOUSEHOLD' ? 'HOUSEHOLD' : 'BUSINESS',
      noise: usage === 'HOUSEHOLD' ? 0.5 : 0.3,
      extraFlows: [],
      valveClosedFromMs: null,
      battery: { startPct: Math.min(99.5, Math.max(45, 99.5 - ageDays * perDayPct)), perDayPct, lowFromMs: null },
      flags: [],
      rssiBase,
      snrBase: rng.float(signal.snr[0], signal.snr[1]),
      thresholdLitres: threshold,
      result: null,
    };
    series.push(s);

    const alarm = (type: AlarmType, startedAt: Date | null, details: Record<string, unknown>, onDevice = true) =>
      alarms.push({
        tenantId: sub.tenantId,
        type,
        series: s,
        onDevice,
        startedAt,
        clearedAt: null,
        acknowledged: rng.chance(0.35),
        details,
      });

    switch (role) {
      case 'TAMPER':
      case 'TILT':
      case 'REVERSE_FLOW':
      case 'LOW_BATTERY': {
        const fromMs = endMs - recentSteps() * stepMs;
        s.flags.push({ type: role, fromMs, toMs: null });
        if (role === 'LOW_BATTERY') {
          s.battery.lowFromMs = fromMs;
          alarm(role, new Date(fromMs), { batteryPct: 9.9, thresholdPct: 10 });
        } else if (role === 'TAMPER') alarm(role, new Date(fromMs), { source: rng.pick(['magnetic field', 'register cover opened']) });
        else if (role === 'TILT') alarm(role, new Date(fromMs), { angleDeg: rng.int(25, 70) });
        else alarm(role, new Date(fromMs), { reverseVolumeL: rng.int(3, 40) });
        break;
      }
      case 'HIGH_USAGE': {
        // A running cistern or a burst pipe behind the meter since before the last full local day.
        const fromMs = localMidnight(nowMs) - 2 * DAY_MS - rng.int(2, 8) * HOUR_MS;
        s.extraFlows.push({ fromMs, toMs: null, litresPerHour: rng.int(100, 160) });
        alarm('HIGH_USAGE', null, { dailyThresholdM3: threshold / 1000 }, false);
        break;
      }
      case 'OFFLINE':
        alarm('NO_SIGNAL', new Date(endMs + 2 * asset.deviceProfile.expectedIntervalMinutes * 60_000), {
          lastSeenAt: new Date(endMs).toISOString(),
          expectedIntervalMinutes: asset.deviceProfile.expectedIntervalMinutes,
        });
        break;
      case 'VALVE_CLOSED':
        s.valveClosedFromMs = nowMs - Math.round(rng.float(3, 6) * readingsPerDay) * stepMs;
        break;
      default:
        break;
    }
  }

  // Cleared alarms in the history of green meters: flagged in the readings between start and clearance.
  for (const tenant of ['ASKI', 'HATSU'] as const) {
    const greens = rng.shuffle(series.filter((s) => s.role === 'NORMAL' && s.asset.subscription.tenantKey === tenant));
    const types: AlarmType[] = ['TAMPER', 'TILT', 'LEAK', 'REVERSE_FLOW'];
    for (let i = 0; i < SCENARIO_COUNTS[tenant].clearedAlarms && i < greens.length; i++) {
      const s = greens[i];
      const type = types[i % types.length];
      const duration = type === 'LEAK' ? rng.int(3, 12) : rng.int(3, 20);
      // Keep clear of the last day so a cleared leak never colours today's map.
      const latestStart = Math.max(0, s.count - readingsPerDay - duration - 1);
      const fromMs = s.endMs - (s.count - 1) * s.stepMs + rng.int(0, latestStart) * s.stepMs;
      const toMs = fromMs + duration * s.stepMs;
      s.flags.push({ type, fromMs, toMs });
      if (type === 'LEAK') s.extraFlows.push({ fromMs, toMs, litresPerHour: rng.int(10, 20) });
      alarms.push({
        tenantId: s.asset.subscription.tenantId,
        type,
        series: s,
        onDevice: true,
        startedAt: new Date(fromMs),
        clearedAt: new Date(toMs),
        acknowledged: true,
        details: { clearedBy: rng.pick(['device', 'field technician']) },
      });
    }
  }
  return { series, alarms };
}
