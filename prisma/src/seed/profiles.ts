import type { CommunicationModule, ConnectionType, DialType, MeterType, MountingType, TemperatureType } from '../generated/kysely/enums';
import { insertChunked, type SeedContext } from './context';
import type { DefinitionIds, DeviceBrandName, IpRatingCode, MeterBrandName, TechnologyCode } from './definitions';

export type TenantKey = 'ROOT' | 'ASKI' | 'HATSU';

export interface MeterProfileDefinition {
  key: string;
  brand: MeterBrandName;
  modelCode: string;
  meterType: MeterType;
  dialType: DialType;
  temperatureType: TemperatureType;
  mountingType: MountingType;
  connectionType: ConnectionType;
  ipRating: IpRatingCode;
  diameterMm: number;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  /** m³/h, OIML R49: Q2 = 1.6·Q1, Q4 = 1.25·Q3, R = Q3/Q1. */
  q1: number;
  q2: number;
  q3: number;
  q4: number;
  /** Set when Q1 needs more than the column's four decimals (R160 at Q3 2.5 is Q1 0.015625): the printed R is entered by hand. */
  rValueManual?: number;
  pressureLossBar: number;
  communicationModule: CommunicationModule;
  hasValve: boolean;
  /** Who the seed installs it for: households (DN15–DN20) or larger premises. */
  usage: 'HOUSEHOLD' | 'LARGE';
}

/** Brief "Seed 4.1": 2 Manas, 2 Itron, 2 Baylan, 2 Zenner, 1 Cem, 1 Klepsan. */
export const METER_PROFILES: MeterProfileDefinition[] = [
  {
    key: 'manas-sj15',
    brand: 'Manas',
    modelCode: 'MNS-SJ15 R100',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 15,
    lengthMm: 110,
    widthMm: 72,
    heightMm: 98,
    q1: 0.025,
    q2: 0.04,
    q3: 2.5,
    q4: 3.125,
    pressureLossBar: 0.63,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'manas-mj20',
    brand: 'Manas',
    modelCode: 'MNS-MJ20 R160',
    meterType: 'MULTI_JET',
    dialType: 'DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 20,
    lengthMm: 190,
    widthMm: 96,
    heightMm: 110,
    q1: 0.025,
    q2: 0.04,
    q3: 4,
    q4: 5,
    pressureLossBar: 0.63,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'itron-flodis15',
    brand: 'Itron',
    modelCode: 'Flodis DN15 R160',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'BOTH',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 15,
    lengthMm: 110,
    widthMm: 77,
    heightMm: 104,
    q1: 0.0156,
    q2: 0.025,
    q3: 2.5,
    q4: 3.125,
    rValueManual: 160,
    pressureLossBar: 0.55,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'itron-aquadis20',
    brand: 'Itron',
    modelCode: 'Aquadis+ DN20 R400',
    meterType: 'VOLUMETRIC',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'BOTH',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 20,
    lengthMm: 190,
    widthMm: 90,
    heightMm: 113,
    q1: 0.01,
    q2: 0.016,
    q3: 4,
    q4: 5,
    pressureLossBar: 0.45,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'LARGE',
  },
  {
    key: 'baylan-kt15',
    brand: 'Baylan',
    modelCode: 'KT-15 R160',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 15,
    lengthMm: 110,
    widthMm: 78,
    heightMm: 100,
    q1: 0.0156,
    q2: 0.025,
    q3: 2.5,
    q4: 3.125,
    rValueManual: 160,
    pressureLossBar: 0.6,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'baylan-uk20',
    brand: 'Baylan',
    modelCode: 'UK-20 Ultrasonik R400',
    meterType: 'ULTRASONIC',
    dialType: 'DRY',
    temperatureType: 'T30',
    mountingType: 'BOTH',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 20,
    lengthMm: 190,
    widthMm: 92,
    heightMm: 102,
    q1: 0.01,
    q2: 0.016,
    q3: 4,
    q4: 5,
    pressureLossBar: 0.25,
    communicationModule: 'INTEGRATED',
    hasValve: true,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'zenner-etkd15',
    brand: 'Zenner',
    modelCode: 'ETKD-N DN15 R100',
    meterType: 'SINGLE_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP68',
    diameterMm: 15,
    lengthMm: 110,
    widthMm: 74,
    heightMm: 95,
    q1: 0.025,
    q2: 0.04,
    q3: 2.5,
    q4: 3.125,
    pressureLossBar: 0.6,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'zenner-wphd50',
    brand: 'Zenner',
    modelCode: 'WPHD-N DN50 R100',
    meterType: 'WOLTMAN_PARALLEL',
    dialType: 'DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'FLANGE',
    ipRating: 'IP68',
    diameterMm: 50,
    lengthMm: 200,
    widthMm: 165,
    heightMm: 255,
    q1: 0.25,
    q2: 0.4,
    q3: 25,
    q4: 31.25,
    pressureLossBar: 0.1,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'LARGE',
  },
  {
    key: 'cem-sd15',
    brand: 'Cem',
    modelCode: 'CEM-YK15 R125',
    meterType: 'SINGLE_JET',
    dialType: 'SEMI_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP65',
    diameterMm: 15,
    lengthMm: 110,
    widthMm: 72,
    heightMm: 96,
    q1: 0.02,
    q2: 0.032,
    q3: 2.5,
    q4: 3.125,
    pressureLossBar: 0.6,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'HOUSEHOLD',
  },
  {
    key: 'klepsan-mk25',
    brand: 'Klepsan',
    modelCode: 'KLP-MK25 R100',
    meterType: 'MULTI_JET',
    dialType: 'SUPER_DRY',
    temperatureType: 'T30',
    mountingType: 'HORIZONTAL',
    connectionType: 'THREAD',
    ipRating: 'IP67',
    diameterMm: 25,
    lengthMm: 260,
    widthMm: 100,
    heightMm: 120,
    q1: 0.063,
    q2: 0.1008,
    q3: 6.3,
    q4: 7.875,
    pressureLossBar: 0.63,
    communicationModule: 'RETROFIT',
    hasValve: false,
    usage: 'LARGE',
  },
];

export type DeviceProfileKey =
  'manas-lorawan' | 'itron-lorawan' | 'baylan-nbiot' | 'cem-sigfox' | 'klepsan-lorawan' | 'ima-lorawan' | 'inodya-nbiot';

export interface DeviceProfileDefinition {
  key: DeviceProfileKey;
  brand: DeviceBrandName;
  modelCode: string;
  technology: TechnologyCode;
  communicationModule: CommunicationModule;
  batteryLifeMonths: number;
  expectedIntervalMinutes: number;
  description: string;
}

/** Brief "Seed 4.2": one profile per device brand listed there. */
export const DEVICE_PROFILES: DeviceProfileDefinition[] = [
  {
    key: 'manas-lorawan',
    brand: 'Manas',
    modelCode: 'MNS-LRW100',
    technology: 'LORAWAN',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 144,
    expectedIntervalMinutes: 60,
    description: 'Manas ve Itron mekanizmaları için LoRaWAN A sınıfı telsizli endüktif darbe okuyucu',
  },
  {
    key: 'itron-lorawan',
    brand: 'Itron',
    modelCode: 'Cyble 5 LoRaWAN',
    technology: 'LORAWAN',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 180,
    expectedIntervalMinutes: 60,
    description: 'Takılabilir Cyble hedefli okuyucu, LoRaWAN 1.0.3, EU868',
  },
  {
    key: 'baylan-nbiot',
    brand: 'Baylan',
    modelCode: 'BYL-NB1',
    technology: 'NBIOT',
    communicationModule: 'INTEGRATED',
    batteryLifeMonths: 120,
    expectedIntervalMinutes: 60,
    description: 'Baylan mekanizmaları ve ultrasonik sayaçlar için NB-IoT (LTE Cat-NB1, bant 20) modülü',
  },
  {
    key: 'cem-sigfox',
    brand: 'Cem',
    modelCode: 'CEM-SFX01',
    technology: 'SIGFOX',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 120,
    expectedIntervalMinutes: 60,
    description: '12 baytlık çerçeveler gönderen Sigfox RC1 darbe okuyucu',
  },
  {
    key: 'klepsan-lorawan',
    brand: 'Klepsan',
    modelCode: 'KLP-LR10',
    technology: 'LORAWAN',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 120,
    expectedIntervalMinutes: 60,
    description: 'Klepsan çok hüzmeli mekanizmalar için LoRaWAN okuyucu, BCD endeks',
  },
  {
    key: 'ima-lorawan',
    brand: 'Ima',
    modelCode: 'IMA-LW-U1',
    technology: 'LORAWAN',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 144,
    expectedIntervalMinutes: 60,
    description: 'Kuru tip mekanizmaların çoğuna uyan evrensel optik/endüktif LoRaWAN okuyucu',
  },
  {
    key: 'inodya-nbiot',
    brand: 'Inodya',
    modelCode: 'IND-NB20',
    technology: 'NBIOT',
    communicationModule: 'RETROFIT',
    batteryLifeMonths: 120,
    expectedIntervalMinutes: 60,
    description: 'UDP/MQTT üzerinden anahtar=değer metin çerçeveleri gönderen NB-IoT okuyucu',
  },
];

/** Device profile model code → its payload encoder key (what simulators and tests need to speak for a device). */
export const DEVICE_PROFILE_KEY_BY_MODEL: Readonly<Record<string, DeviceProfileKey>> = Object.fromEntries(
  DEVICE_PROFILES.map((p) => [p.modelCode, p.key]),
);

/**
 * Compatibility at brand level: the union of both tables of the brief (BRIEF-NOTES). The device
 * table adds nothing for brands that have meter profiles; Türkoğlu, Bereket and Teksan have none.
 */
export const COMPATIBLE_DEVICE_BRANDS: Partial<Record<MeterBrandName, DeviceBrandName[]>> = {
  Manas: ['Manas', 'Itron', 'Ima', 'Inodya'],
  Itron: ['Manas', 'Itron', 'Ima', 'Inodya'],
  Baylan: ['Baylan', 'Ima'],
  Zenner: ['Ima'],
  Cem: ['Cem', 'Ima'],
  Klepsan: ['Klepsan', 'Ima'],
};

/** Child tenants allowed each meter profile brand; the root sees every profile without rows. */
export const METER_PROFILE_TENANTS: Partial<Record<MeterBrandName, TenantKey[]>> = {
  Manas: ['HATSU'],
  Itron: ['ASKI', 'HATSU'],
  Baylan: ['ASKI', 'HATSU'],
  Zenner: ['HATSU'],
  Cem: ['HATSU'],
  Klepsan: ['HATSU'],
};

export const DEVICE_PROFILE_TENANTS: Partial<Record<DeviceBrandName, TenantKey[]>> = {
  Manas: ['ASKI', 'HATSU'],
  Itron: ['ASKI', 'HATSU'],
  Baylan: ['ASKI', 'HATSU'],
  Cem: ['HATSU'],
  Klepsan: ['HATSU'],
  Ima: ['ASKI', 'HATSU'],
  Inodya: ['ASKI', 'HATSU'],
};

export function compatibleDeviceProfiles(meter: MeterProfileDefinition): DeviceProfileDefinition[] {
  const brands = COMPATIBLE_DEVICE_BRANDS[meter.brand] ?? [];
  return DEVICE_PROFILES.filter((d) => brands.includes(d.brand));
}

export function meterProfileVisibleTo(meter: MeterProfileDefinition, tenant: TenantKey): boolean {
  return tenant === 'ROOT' || (METER_PROFILE_TENANTS[meter.brand] ?? []).includes(tenant);
}

export function deviceProfileVisibleTo(device: DeviceProfileDefinition, tenant: TenantKey): boolean {
  return tenant === 'ROOT' || (DEVICE_PROFILE_TENANTS[device.brand] ?? []).includes(tenant);
}

export interface ProfileIds {
  meterProfiles: Map<string, string>;
  deviceProfiles: Map<DeviceProfileKey, string>;
}

export async function seedProfiles(ctx: SeedContext, defs: DefinitionIds, tenants: Map<TenantKey, string>): Promise<ProfileIds> {
  const { rng } = ctx;
  const ids: ProfileIds = {
    meterProfiles: new Map(METER_PROFILES.map((p) => [p.key, rng.uuid()])),
    deviceProfiles: new Map(DEVICE_PROFILES.map((p) => [p.key, rng.uuid()])),
  };
  await insertChunked(
    ctx,
    'meter_profile',
    METER_PROFILES.map((p) => ({
      id: ids.meterProfiles.get(p.key)!,
      brand_id: defs.meterBrands.get(p.brand)!,
      model_code: p.modelCode,
      meter_type: p.meterType,
      dial_type: p.dialType,
      temperature_type: p.temperatureType,
      mounting_type: p.mountingType,
      connection_type: p.connectionType,
      ip_rating_id: defs.ipRatings.get(p.ipRating)!,
      diameter_mm: p.diameterMm,
      length_mm: p.lengthMm.toFixed(1),
      width_mm: p.widthMm.toFixed(1),
      height_mm: p.heightMm.toFixed(1),
      q1: p.q1.toFixed(4),
      q2: p.q2.toFixed(4),
      q3: p.q3.toFixed(4),
      q4: p.q4.toFixed(4),
      // Otherwise a trigger fills R = Q3/Q1.
      r_value: p.rValueManual?.toFixed(2),
      r_value_manual: p.rValueManual !== undefined,
      pressure_loss_bar: p.pressureLossBar.toFixed(3),
      communication_module: p.communicationModule,
    })),
  );
  await insertChunked(
    ctx,
    'device_profile',
    DEVICE_PROFILES.map((p) => ({
      id: ids.deviceProfiles.get(p.key)!,
      brand_id: defs.deviceBrands.get(p.brand)!,
      model_code: p.modelCode,
      communication_module: p.communicationModule,
      battery_life_months: p.batteryLifeMonths,
      expected_interval_minutes: p.expectedIntervalMinutes,
      description: p.description,
    })),
  );
  await insertChunked(
    ctx,
    'device_profile_technology',
    DEVICE_PROFILES.map((p) => ({
      device_profile_id: ids.deviceProfiles.get(p.key)!,
      technology_id: defs.technologies.get(p.technology)!,
    })),
  );
  await insertChunked(
    ctx,
    'meter_profile_device_profile',
    METER_PROFILES.flatMap((m) =>
      compatibleDeviceProfiles(m).map((d) => ({
        meter_profile_id: ids.meterProfiles.get(m.key)!,
        device_profile_id: ids.deviceProfiles.get(d.key)!,
      })),
    ),
  );
  await insertChunked(
    ctx,
    'tenant_meter_profile',
    METER_PROFILES.flatMap((m) =>
      (METER_PROFILE_TENANTS[m.brand] ?? []).map((t) => ({ tenant_id: tenants.get(t)!, meter_profile_id: ids.meterProfiles.get(m.key)! })),
    ),
  );
  await insertChunked(
    ctx,
    'tenant_device_profile',
    DEVICE_PROFILES.flatMap((d) =>
      (DEVICE_PROFILE_TENANTS[d.brand] ?? []).map((t) => ({
        tenant_id: tenants.get(t)!,
        device_profile_id: ids.deviceProfiles.get(d.key)!,
      })),
    ),
  );
  return ids;
}
