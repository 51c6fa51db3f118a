import type { IdentifierValueType } from '../generated/kysely/enums';
import { insertChunked, type SeedContext } from './context';

/** Brief 1.12, in the brief's order. */
export const METER_BRANDS = ['Baylan', 'Manas', 'Itron', 'Klepsan', 'Cem', 'Zenner', 'Türkoğlu', 'Bereket', 'Teksan'] as const;
export type MeterBrandName = (typeof METER_BRANDS)[number];

/** Brief 1.13, in the brief's order. */
export const DEVICE_BRANDS = ['Ima', 'Itron', 'Manas', 'Inodya', 'Zenner', 'Baylan', 'Cem', 'Klepsan'] as const;
export type DeviceBrandName = (typeof DEVICE_BRANDS)[number];

/** Brief 1.7: IP54, IP65, IP67, IP68 and, for the "…", the other ratings meter makers print (IP44, IP66); Turkish and English. */
export const IP_RATINGS = [
  {
    code: 'IP44',
    description: "1 mm'den büyük katı cisimlere ve su sıçramasına karşı korumalı",
    descriptionEn: 'Protected against solid objects over 1 mm and splashing water',
  },
  {
    code: 'IP54',
    description: 'Toza karşı korumalı, su sıçramasına karşı korumalı',
    descriptionEn: 'Dust protected, protected against splashing water',
  },
  { code: 'IP65', description: 'Toz geçirmez, su jetlerine karşı korumalı', descriptionEn: 'Dust tight, protected against water jets' },
  {
    code: 'IP66',
    description: 'Toz geçirmez, güçlü su jetlerine karşı korumalı',
    descriptionEn: 'Dust tight, protected against powerful water jets',
  },
  {
    code: 'IP67',
    description: "Toz geçirmez, geçici olarak suya daldırmaya karşı korumalı (1 m'ye kadar)",
    descriptionEn: 'Dust tight, protected against temporary immersion (up to 1 m)',
  },
  {
    code: 'IP68',
    description: 'Toz geçirmez, sürekli suya daldırmaya karşı korumalı (sayaç çukurları)',
    descriptionEn: 'Dust tight, protected against continuous immersion (meter pits)',
  },
] as const;
export type IpRatingCode = (typeof IP_RATINGS)[number]['code'];

/** Brief 1.15 (its English names) with the Turkish names and the daily thresholds that paint a subscription orange (BRIEF-NOTES). */
export const SUBSCRIPTION_GROUPS = [
  { code: 'NORMAL', name: 'Normal Tüketim', nameEn: 'Normal Consumption', dailyThresholdM3: 1.5 },
  { code: 'HIGH', name: 'Yüksek Tüketim', nameEn: 'High Consumption', dailyThresholdM3: 10 },
] as const;
export type SubscriptionGroupCode = (typeof SUBSCRIPTION_GROUPS)[number]['code'];

export interface TechnologyFieldDefinition {
  key: string;
  /** Turkish; `labelEn` the English one (migration 0033). Identical where the label is a technical name (DevEUI, IMEI). */
  label: string;
  labelEn: string;
  valueType: IdentifierValueType;
  /** Exact length when fixed; null when the identifier varies (IMSI, ICCID). */
  length: number | null;
  regex: string;
  isRequired: boolean;
  /** Write-only after creation (AppKey, PAC, AES and network keys). */
  isSecret: boolean;
  /** Identifies the device on its network: unique across the platform. */
  isUnique: boolean;
}

export interface CommunicationTechnologyDefinition {
  code: string;
  name: string;
  /** How the network server reaches the platform. */
  transports: Array<'HTTP' | 'MQTT' | 'API'>;
  fields: TechnologyFieldDefinition[];
}

const HEX = (n: number) => `^[a-fA-F0-9]{${n}}$`;
const MAC_REGEX = '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$';

/** A label as `[Turkish, English]`, or one string where both languages use the same technical name. */
type FieldLabel = string | readonly [tr: string, en: string];

function field(
  key: string,
  label: FieldLabel,
  valueType: IdentifierValueType,
  length: number | null,
  regex: string,
  flags: Partial<Pick<TechnologyFieldDefinition, 'isRequired' | 'isSecret' | 'isUnique'>> = {},
): TechnologyFieldDefinition {
  const [tr, en] = typeof label === 'string' ? [label, label] : label;
  return {
    key,
    label: tr,
    labelEn: en,
    valueType,
    length,
    regex,
    isRequired: flags.isRequired ?? true,
    isSecret: flags.isSecret ?? false,
    isUnique: flags.isUnique ?? false,
  };
}

const MBUS_FIELDS = (): TechnologyFieldDefinition[] => [
  field('ManufacturerCode', ['Üretici kodu (FLAG)', 'Manufacturer code (FLAG)'], 'TEXT', 3, '^[A-Za-z]{3}$'),
  field('MeterId', ['Sayaç kimliği (ikincil adres)', 'Meter ID (secondary address)'], 'DIGITS', 8, '^[0-9]{8}$', { isUnique: true }),
  field('Version', ['Sürüm', 'Version'], 'HEX', 2, HEX(2)),
  field('DeviceType', ['Cihaz tipi (ortam)', 'Device type (medium)'], 'HEX', 2, HEX(2)),
  field('AesKey', ['AES-128 anahtarı', 'AES-128 key'], 'HEX', 32, HEX(32), { isSecret: true, isRequired: false }),
];

/**
 * Brief 1.11 with the provisioning fields each network needs (BRIEF-NOTES settles the "…" ones).
 * Exported as data so the API validates device identifiers with the same rules the seed stores.
 */
export const COMMUNICATION_TECHNOLOGIES: CommunicationTechnologyDefinition[] = [
  {
    code: 'SIGFOX',
    name: 'Sigfox',
    transports: ['HTTP', 'API'],
    fields: [
      field('ID', ['Cihaz kimliği', 'Device ID'], 'HEX', 8, HEX(8), { isUnique: true }),
      field('PAC', 'PAC', 'HEX', 16, HEX(16), { isSecret: true }),
    ],
  },
  {
    code: 'LORAWAN',
    name: 'LoRaWAN',
    transports: ['MQTT', 'HTTP', 'API'],
    fields: [
      field('DevEUI', 'DevEUI', 'HEX', 16, HEX(16), { isUnique: true }),
      field('JoinEUI', 'JoinEUI (AppEUI)', 'HEX', 16, HEX(16)),
      field('AppKey', 'AppKey', 'HEX', 32, HEX(32), { isSecret: true }),
    ],
  },
  {
    code: 'NBIOT',
    name: 'NB-IoT',
    transports: ['MQTT', 'HTTP', 'API'],
    fields: [
      field('IMEI', 'IMEI', 'DIGITS', 15, '^[0-9]{15}$', { isUnique: true }),
      field('IMSI', 'IMSI', 'DIGITS', null, '^[0-9]{6,15}$'),
      field('ICCID', 'ICCID (SIM)', 'DIGITS', null, '^89[0-9]{17,18}$'),
    ],
  },
  { code: 'WMBUS', name: 'wM-Bus', transports: ['MQTT', 'HTTP', 'API'], fields: MBUS_FIELDS() },
  {
    code: 'MIOTY',
    name: 'Mioty',
    transports: ['MQTT', 'HTTP', 'API'],
    fields: [
      field('EUI64', 'EUI-64', 'HEX', 16, HEX(16), { isUnique: true }),
      field('NetworkKey', ['Ağ anahtarı', 'Network key'], 'HEX', 32, HEX(32), { isSecret: true }),
      field('ShortAddress', ['Kısa adres', 'Short address'], 'HEX', 4, HEX(4), { isRequired: false }),
    ],
  },
  {
    code: 'WIFI',
    name: 'Wi-Fi',
    transports: ['MQTT', 'HTTP', 'API'],
    fields: [field('MAC', ['MAC adresi', 'MAC address'], 'MAC', 17, MAC_REGEX, { isUnique: true })],
  },
  {
    code: 'BLUETOOTH',
    name: 'Bluetooth',
    transports: ['MQTT', 'HTTP', 'API'],
    fields: [field('MAC', ['MAC adresi', 'MAC address'], 'MAC', 17, MAC_REGEX, { isUnique: true })],
  },
  { code: 'NFC', name: 'NFC', transports: ['MQTT', 'HTTP', 'API'], fields: [field('UID', 'UID', 'HEX', 14, HEX(14), { isUnique: true })] },
  { code: 'OMS', name: 'OMS', transports: ['MQTT', 'HTTP', 'API'], fields: MBUS_FIELDS() },
];
export type TechnologyCode = 'SIGFOX' | 'LORAWAN' | 'NBIOT' | 'WMBUS' | 'MIOTY' | 'WIFI' | 'BLUETOOTH' | 'NFC' | 'OMS';

export interface DefinitionIds {
  meterBrands: Map<string, string>;
  deviceBrands: Map<string, string>;
  ipRatings: Map<string, string>;
  groups: Map<SubscriptionGroupCode, string>;
  technologies: Map<string, string>;
  /** `${technologyCode}.${fieldKey}` → field id. */
  fields: Map<string, string>;
}

export async function seedDefinitions(ctx: SeedContext): Promise<DefinitionIds> {
  const { rng } = ctx;
  const ids: DefinitionIds = {
    meterBrands: new Map(METER_BRANDS.map((n) => [n, rng.uuid()])),
    deviceBrands: new Map(DEVICE_BRANDS.map((n) => [n, rng.uuid()])),
    ipRatings: new Map(IP_RATINGS.map((r) => [r.code, rng.uuid()])),
    groups: new Map(SUBSCRIPTION_GROUPS.map((g) => [g.code, rng.uuid()])),
    technologies: new Map(COMMUNICATION_TECHNOLOGIES.map((t) => [t.code, rng.uuid()])),
    fields: new Map(),
  };
  await insertChunked(
    ctx,
    'meter_brand',
    METER_BRANDS.map((name) => ({ id: ids.meterBrands.get(name)!, name })),
  );
  await insertChunked(
    ctx,
    'device_brand',
    DEVICE_BRANDS.map((name) => ({ id: ids.deviceBrands.get(name)!, name })),
  );
  await insertChunked(
    ctx,
    'ip_rating',
    IP_RATINGS.map((r, i) => ({
      id: ids.ipRatings.get(r.code)!,
      code: r.code,
      description: r.description,
      description_en: r.descriptionEn,
      sort_order: i + 1,
    })),
  );
  await insertChunked(
    ctx,
    'subscription_group',
    SUBSCRIPTION_GROUPS.map((g) => ({
      id: ids.groups.get(g.code)!,
      code: g.code,
      name: g.name,
      name_en: g.nameEn,
      daily_threshold_m3: g.dailyThresholdM3.toFixed(3),
    })),
  );
  await insertChunked(
    ctx,
    'communication_technology',
    COMMUNICATION_TECHNOLOGIES.map((t, i) => ({
      id: ids.technologies.get(t.code)!,
      code: t.code,
      name: t.name,
      transports: t.transports,
      sort_order: i + 1,
    })),
  );
  const fieldRows = COMMUNICATION_TECHNOLOGIES.flatMap((t) =>
    t.fields.map((f, i) => {
      const id = rng.uuid();
      ids.fields.set(`${t.code}.${f.key}`, id);
      return {
        id,
        technology_id: ids.technologies.get(t.code)!,
        key: f.key,
        label: f.label,
        label_en: f.labelEn,
        value_type: f.valueType,
        length: f.length,
        regex: f.regex,
        is_required: f.isRequired,
        is_secret: f.isSecret,
        is_unique: f.isUnique,
        sort_order: i + 1,
      };
    }),
  );
  await insertChunked(ctx, 'communication_technology_field', fieldRows);
  return ids;
}
