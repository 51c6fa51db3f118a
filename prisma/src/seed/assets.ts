import type { Insertable } from 'kysely';
import type { AssetStatus } from '../generated/kysely/enums';
import type { DB } from '../generated/kysely/types';
import { DAY_MS, HOUR_MS, insertChunked, type SeedContext } from './context';
import type { CustomerPlan, SubscriptionPlan, Usage } from './customers';
import type { DefinitionIds } from './definitions';
import { iccid, imei, imsi, unique } from './numbers';
import {
  compatibleDeviceProfiles,
  deviceProfileVisibleTo,
  METER_PROFILES,
  meterProfileVisibleTo,
  type DeviceProfileDefinition,
  type MeterProfileDefinition,
  type ProfileIds,
} from './profiles';
import type { Random } from './random';

export interface AssetPlan {
  subscription: SubscriptionPlan;
  meterId: string;
  deviceId: string;
  meterProfile: MeterProfileDefinition;
  deviceProfile: DeviceProfileDefinition;
  meterSerial: string;
  deviceSerial: string;
  installedAt: Date;
  initialIndexM3: number;
  /** Both the meter and its device share the status (out-of-service meters are taken down with their device). */
  status: AssetStatus;
  valveState: 'OPEN' | 'CLOSED' | null;
}

/** Meter profiles the seed fits for each use, per tenant, among the profiles the tenant may use. */
const PROFILE_CHOICE: Record<'ASKI' | 'HATSU', Record<Usage, string[]>> = {
  ASKI: {
    HOUSEHOLD: ['baylan-kt15', 'itron-flodis15', 'baylan-uk20', 'baylan-kt15', 'itron-flodis15'],
    SMALL_BUSINESS: ['itron-aquadis20'],
    LARGE: ['itron-aquadis20'],
  },
  HATSU: {
    HOUSEHOLD: ['manas-sj15', 'itron-flodis15', 'baylan-kt15', 'zenner-etkd15', 'cem-sd15', 'manas-mj20', 'baylan-uk20'],
    SMALL_BUSINESS: ['manas-mj20', 'klepsan-mk25'],
    LARGE: ['zenner-wphd50', 'klepsan-mk25', 'itron-aquadis20'],
  },
};

/** Serial formats as printed on the registers and modules of each brand. */
const METER_SERIAL: Record<string, (rng: Random, year: string) => string> = {
  Baylan: (rng, yy) => `BY${yy}${rng.digits(7)}`,
  Manas: (rng, yy) => `MN${yy}-${rng.digits(6)}`,
  Itron: (rng, yy) => `I${yy}FA${rng.digits(6)}`,
  Zenner: (rng, yy) => `ZR${yy}${rng.digits(8)}`,
  Cem: (rng, yy) => `CM${yy}${rng.digits(6)}`,
  Klepsan: (rng, yy) => `KLP${yy}${rng.digits(6)}`,
};
const DEVICE_SERIAL: Record<string, (rng: Random, year: string) => string> = {
  Manas: (rng, yy) => `MNL${yy}${rng.digits(6)}`,
  Itron: (rng, yy) => `CY5-${yy}${rng.digits(7)}`,
  Baylan: (rng, yy) => `BNB${yy}${rng.digits(6)}`,
  Cem: (rng, yy) => `CSF${yy}${rng.digits(5)}`,
  Klepsan: (rng, yy) => `KLR${yy}${rng.digits(6)}`,
  Ima: (rng, yy) => `IMA${yy}${rng.hex(6)}`,
  Inodya: (rng, yy) => `IND-${yy}-${rng.digits(6)}`,
};

/** LoRaWAN vendors' DevEUI prefixes and the JoinEUI their devices share. */
const LORAWAN_IDS: Record<string, { devEuiPrefix: string; joinEui: string }> = {
  Manas: { devEuiPrefix: '70B3D5E75E', joinEui: '70B3D57ED0019A11' },
  Itron: { devEuiPrefix: '0018B20000', joinEui: '0018B24441524632' },
  Klepsan: { devEuiPrefix: '70B3D5F2C0', joinEui: '70B3D57ED003C1A5' },
  Ima: { devEuiPrefix: 'A81758FFFE', joinEui: 'A81758FFFE000001' },
};
const MNCS = ['01', '02', '03'];

export function planAssets(ctx: SeedContext, customers: CustomerPlan): AssetPlan[] {
  const { rng } = ctx;
  const meterSerials = new Map<string, Set<string>>();
  const deviceSerials = new Map<string, Set<string>>();
  const plans: AssetPlan[] = [];
  const cursor = new Map<string, number>();
  const next = <T>(key: string, items: T[]): T => {
    // Round robin, so every profile a tenant may use shows up in its data.
    const n = cursor.get(key) ?? 0;
    cursor.set(key, n + 1);
    return items[n % items.length];
  };

  for (const sub of customers.subscriptions) {
    if (!sub.hasMeter) continue;
    const tenant = sub.tenantKey;
    const profileKey = next(`${tenant}.${sub.usage}`, PROFILE_CHOICE[tenant][sub.usage]);
    const meterProfile = METER_PROFILES.find((p) => p.key === profileKey)!;
    if (!meterProfileVisibleTo(meterProfile, tenant)) throw new Error(`${meterProfile.key} is not allowed for ${tenant}`);
    const candidates = compatibleDeviceProfiles(meterProfile).filter((d) => deviceProfileVisibleTo(d, tenant));
    // Meters with an integrated module take their maker's device; retrofit ones mostly their maker's, else a universal reader.
    const sameBrand = candidates.filter((d) => d.brand === meterProfile.brand);
    const pool =
      meterProfile.communicationModule === 'INTEGRATED' && sameBrand.length
        ? sameBrand
        : [...sameBrand, ...candidates.filter((d) => d.brand !== meterProfile.brand)];
    const deviceProfile = next(`${tenant}.${meterProfile.key}`, pool);

    const installedAt = sub.installedAt!;
    const yy = String(installedAt.getUTCFullYear() - rng.int(0, 1)).slice(2);
    const mSet = meterSerials.get(meterProfile.brand) ?? new Set<string>();
    meterSerials.set(meterProfile.brand, mSet);
    const dSet = deviceSerials.get(deviceProfile.brand) ?? new Set<string>();
    deviceSerials.set(deviceProfile.brand, dSet);
    // New meters leave the factory with a few test litres; a third replaced an old register and kept its count.
    const initialIndexM3 = rng.chance(0.7) ? rng.int(0, 60) / 1000 : rng.int(40_000, 900_000) / 1000;

    plans.push({
      subscription: sub,
      meterId: rng.uuid(),
      deviceId: rng.uuid(),
      meterProfile,
      deviceProfile,
      meterSerial: unique(mSet, () => METER_SERIAL[meterProfile.brand](rng, yy)),
      deviceSerial: unique(dSet, () => DEVICE_SERIAL[deviceProfile.brand](rng, yy)),
      installedAt,
      initialIndexM3,
      status: 'ACTIVE',
      valveState: meterProfile.hasValve ? 'OPEN' : null,
    });
  }
  return plans;
}

export async function insertAssets(ctx: SeedContext, defs: DefinitionIds, profiles: ProfileIds, assets: AssetPlan[]): Promise<void> {
  const { rng } = ctx;
  const meters: Insertable<DB['meter']>[] = assets.map((a) => ({
    id: a.meterId,
    tenant_id: a.subscription.tenantId,
    meter_profile_id: profiles.meterProfiles.get(a.meterProfile.key)!,
    brand_id: defs.meterBrands.get(a.meterProfile.brand)!,
    serial_no: a.meterSerial,
    initial_index_m3: a.initialIndexM3.toFixed(3),
    installed_at: a.installedAt,
    status: a.status,
    has_valve: a.meterProfile.hasValve,
    valve_state: a.valveState,
    created_at: new Date(a.installedAt.getTime() - rng.int(2, 20) * DAY_MS),
    updated_at: a.installedAt,
  }));
  await insertChunked(ctx, 'meter', meters);

  await insertChunked(
    ctx,
    'subscription_meter',
    assets.map((a) => ({
      id: rng.uuid(),
      tenant_id: a.subscription.tenantId,
      subscription_id: a.subscription.id,
      meter_id: a.meterId,
      started_at: a.installedAt,
      initial_index_m3: a.initialIndexM3.toFixed(3),
    })),
  );

  await insertChunked(
    ctx,
    'device',
    assets.map((a) => ({
      id: a.deviceId,
      tenant_id: a.subscription.tenantId,
      device_profile_id: profiles.deviceProfiles.get(a.deviceProfile.key)!,
      brand_id: defs.deviceBrands.get(a.deviceProfile.brand)!,
      meter_id: a.meterId,
      serial_no: a.deviceSerial,
      status: a.status,
      created_at: new Date(a.installedAt.getTime() - rng.int(1, 10) * DAY_MS),
      updated_at: new Date(a.installedAt.getTime() + HOUR_MS),
    })),
  );

  const devEuis = new Set<string>();
  const sigfoxIds = new Set<string>();
  const imeis = new Set<string>();
  const identifiers: Insertable<DB['device_identifier']>[] = [];
  const add = (deviceId: string, tech: string, key: string, value: string) =>
    // normalized_value and is_unique are set by the device_identifier_check trigger.
    identifiers.push({ device_id: deviceId, field_id: defs.fields.get(`${tech}.${key}`)!, value, normalized_value: value.toLowerCase() });
  for (const a of assets) {
    const d = a.deviceProfile;
    if (d.technology === 'LORAWAN') {
      const ids = LORAWAN_IDS[d.brand];
      add(
        a.deviceId,
        'LORAWAN',
        'DevEUI',
        unique(devEuis, () => ids.devEuiPrefix + rng.hex(6)),
      );
      add(a.deviceId, 'LORAWAN', 'JoinEUI', ids.joinEui);
      add(a.deviceId, 'LORAWAN', 'AppKey', rng.hex(32));
    } else if (d.technology === 'SIGFOX') {
      add(
        a.deviceId,
        'SIGFOX',
        'ID',
        unique(sigfoxIds, () => `00${rng.hex(6)}`),
      );
      add(a.deviceId, 'SIGFOX', 'PAC', rng.hex(16));
    } else if (d.technology === 'NBIOT') {
      const mnc = rng.pick(MNCS);
      add(
        a.deviceId,
        'NBIOT',
        'IMEI',
        unique(imeis, () => imei(rng)),
      );
      add(a.deviceId, 'NBIOT', 'IMSI', imsi(rng, mnc));
      add(a.deviceId, 'NBIOT', 'ICCID', iccid(rng, mnc));
    } else {
      throw new Error(`no identifiers generated for ${d.technology}`);
    }
  }
  await insertChunked(ctx, 'device_identifier', identifiers);
}
