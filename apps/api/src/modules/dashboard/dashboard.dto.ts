import { createZodDto } from '../../core/http/zod-dto';
import { z } from 'zod';
import { ALARM_TYPES, MAP_STATUSES, OUT_OF_SERVICE_STATUSES, type AlarmType, type AssetStatus, type MapStatus } from '@water/shared';
import { pageQueryShape, pageSchema } from '../../core/http/paging';
import { addressColumnsLine, formatAddressLine, type AddressColumnsRecord } from '../addresses/addresses.dto';
import { AlarmRowSchema } from '../alarms/alarms.dto';

const uuid = () => z.string().uuid({ message: 'must be a UUID' });
/** Every dashboard query is over the caller's scope, optionally narrowed to one tenant's subtree. */
const tenantId = uuid().optional();

export const SummaryQuerySchema = z.object({ tenantId }).strict();
export class SummaryQueryDto extends createZodDto(SummaryQuerySchema) {}

export interface BBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/** `minLng,minLat,maxLng,maxLat` as Leaflet's `getBounds().toBBoxString()` writes it. */
const bbox = z
  .string()
  .transform((s, ctx): BBox => {
    const parts = s.split(',').map((p) => p.trim());
    const n = parts.map(Number);
    if (parts.length !== 4 || parts.some((p) => p === '') || n.some((v) => !Number.isFinite(v))) {
      ctx.addIssue({ code: 'custom', message: 'must be minLng,minLat,maxLng,maxLat (four numbers)' });
      return z.NEVER;
    }
    const [minLng, minLat, maxLng, maxLat] = n;
    if ([minLng, maxLng].some((v) => v < -180 || v > 180) || [minLat, maxLat].some((v) => v < -90 || v > 90)) {
      ctx.addIssue({ code: 'custom', message: 'longitudes must be within -180..180 and latitudes within -90..90' });
      return z.NEVER;
    }
    if (minLng > maxLng || minLat > maxLat) {
      ctx.addIssue({ code: 'custom', message: 'minimum must not exceed maximum' });
      return z.NEVER;
    }
    return { minLng, minLat, maxLng, maxLat };
  })
  .describe('minLng,minLat,maxLng,maxLat in degrees (WGS84), e.g. 32.5,39.7,33.1,40.1');

export const MapQuerySchema = z.object({ tenantId, bbox: bbox.optional() }).strict();
export type MapQuery = z.infer<typeof MapQuerySchema>;
export class MapQueryDto extends createZodDto(MapQuerySchema) {}

/** Issue 21: the map's search box (subscription number, customer name or address, Turkish-aware). */
export const MAP_SEARCH_LIMIT = 10;
export const MapSearchQuerySchema = z
  .object({
    tenantId,
    q: z.string().trim().min(2, 'at least 2 characters').max(100, 'at most 100 characters'),
  })
  .strict();
export type MapSearchQuery = z.infer<typeof MapSearchQuerySchema>;
export class MapSearchQueryDto extends createZodDto(MapSearchQuerySchema) {}

export const MapAreasQuerySchema = z.object({ tenantId }).strict();
export class MapAreasQueryDto extends createZodDto(MapAreasQuerySchema) {}

export const MAX_USAGE_DAYS = 366;
export const UsageQuerySchema = z
  .object({
    tenantId,
    /** Days ending today (today included). */
    days: z.coerce
      .number({ message: 'must be a whole number of days' })
      .int('must be a whole number of days')
      .min(1, 'at least 1 day')
      .max(MAX_USAGE_DAYS, `at most ${MAX_USAGE_DAYS} days`)
      .default(30),
  })
  .strict();
export type UsageQuery = z.infer<typeof UsageQuerySchema>;
export class UsageQueryDto extends createZodDto(UsageQuerySchema) {}

export const OutOfServiceQuerySchema = z
  .object({
    ...pageQueryShape,
    tenantId,
    kind: z.enum(['meter', 'device'], { message: 'must be meter or device' }).default('meter'),
    status: z
      .enum(OUT_OF_SERVICE_STATUSES as [AssetStatus, ...AssetStatus[]], { message: `must be one of ${OUT_OF_SERVICE_STATUSES.join(', ')}` })
      .optional(),
    sort: z.enum(['status', 'serialNo', 'lastSeenAt', 'tenant']).default('status'),
  })
  .strict();
export type OutOfServiceQuery = z.infer<typeof OutOfServiceQuerySchema>;
export class OutOfServiceQueryDto extends createZodDto(OutOfServiceQuerySchema) {}

// ─── Responses ────────────────────────────────────────────────────────────────────

const countsOf = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);
const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** Counts per out-of-service status; every status other than ACTIVE is present. */
const OutOfServiceCountsSchema = countsOf(OUT_OF_SERVICE_STATUSES);

export const SummarySchema = z.object({
  subscriptions: z.number().int(),
  meters: z.number().int(),
  devices: z.number().int(),
  /** m³ over the last 30 days before today plus today so far, each tenant in its own time zone. */
  totalConsumptionM3: z.number(),
  /** m³ since local midnight. */
  consumptionTodayM3: z.number(),
  /** The part of `totalConsumptionM3` that came from estimated readings. */
  totalEstimatedM3: z.number(),
  /** The part of `consumptionTodayM3` that came from estimated readings. */
  estimatedTodayM3: z.number(),
  openAlarms: z.number().int(),
  unacknowledgedAlarms: z.number().int(),
  openAlarmsByType: countsOf(ALARM_TYPES),
  /** The 10 newest open alarms. */
  latestAlarms: z.array(AlarmRowSchema),
  outOfService: z.object({ meters: OutOfServiceCountsSchema, devices: OutOfServiceCountsSchema }),
});
export type Summary = z.infer<typeof SummarySchema>;
export class SummaryDto extends createZodDto(SummarySchema) {}

export const MapMarkerSchema = z.object({
  subscriptionId: z.string().uuid(),
  subscriptionNo: z.string(),
  tenantId: z.string().uuid(),
  lat: z.number(),
  lng: z.number(),
  status: z.enum(MAP_STATUSES),
  /** Everything that is wrong, in priority order (red alarm types, then HIGH_USAGE, then NO_SIGNAL); empty when green or NO_DEVICE without alarms. */
  reasons: z.array(z.enum(ALARM_TYPES)),
  customerName: z.string(),
  meterSerialNo: z.string().nullable(),
  lastReadingAt: z.string().datetime().nullable(),
  todayM3: z.number(),
  /** Of the address the marker stands at (the subscription's, else its customer's): the map's area filter. */
  district: z.string().nullable(),
  neighborhood: z.string().nullable(),
});
export type MapMarker = z.infer<typeof MapMarkerSchema>;

export const MapSchema = z.object({
  markers: z.array(MapMarkerSchema),
  /** Markers per colour among those returned (NO_DEVICE apart from GREY). */
  counts: countsOf(MAP_STATUSES),
  /** True when more markers matched than one answer carries (MAX_MAP_MARKERS): zoom in (bbox). */
  truncated: z.boolean(),
});
export type MapView = z.infer<typeof MapSchema>;
export class MapDto extends createZodDto(MapSchema) {}

export const MapSearchHitSchema = z.object({
  subscriptionId: z.string().uuid(),
  subscriptionNo: z.string(),
  tenantId: z.string().uuid(),
  customerName: z.string(),
  /** The address the marker stands at, as one line. */
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
});
export type MapSearchHit = z.infer<typeof MapSearchHitSchema>;
export const MapSearchSchema = z.object({ items: z.array(MapSearchHitSchema) });
export type MapSearchView = z.infer<typeof MapSearchSchema>;
export class MapSearchDto extends createZodDto(MapSearchSchema) {}

/** The districts and neighbourhoods of the subscriptions on the map, with how many stand in each. */
export const MapAreasSchema = z.object({
  districts: z.array(
    z.object({
      district: z.string(),
      subscriptions: z.number().int(),
      neighborhoods: z.array(z.object({ neighborhood: z.string(), subscriptions: z.number().int() })),
    }),
  ),
});
export type MapAreas = z.infer<typeof MapAreasSchema>;
export class MapAreasDto extends createZodDto(MapAreasSchema) {}

export const UsageDaySchema = z.object({
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  consumptionM3: z.number(),
  /** The part of `consumptionM3` that came from estimated readings (issue 17). */
  estimatedM3: z.number(),
});
export class UsageDto extends createZodDto(z.array(UsageDaySchema)) {}

export const OutOfServiceRowSchema = z.object({
  kind: z.enum(['meter', 'device']),
  id: z.string().uuid(),
  serialNo: z.string(),
  brand: z.string(),
  model: z.string(),
  status: z.enum(OUT_OF_SERVICE_STATUSES as [AssetStatus, ...AssetStatus[]]),
  tenantId: z.string().uuid(),
  tenantName: z.string(),
  /** The device on this meter, or the meter this device is fitted to. */
  linked: z.object({ kind: z.enum(['meter', 'device']), id: z.string().uuid(), serialNo: z.string() }).nullable(),
  subscription: z.object({ id: z.string().uuid(), subscriptionNo: z.string() }).nullable(),
  /** The subscription's address, else its customer's. */
  address: z
    .object({
      line: z.string(),
      city: z.string().nullable(),
      district: z.string().nullable(),
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
    })
    .nullable(),
  /** The meter's last reading or the device's last uplink. */
  lastSeenAt: z.string().datetime().nullable(),
});
export type OutOfServiceRow = z.infer<typeof OutOfServiceRowSchema>;
export class OutOfServicePageDto extends createZodDto(pageSchema(OutOfServiceRowSchema)) {}

// ─── Mappers ──────────────────────────────────────────────────────────────────────

const num = (v: string | number | null | undefined) => (v == null ? 0 : Number(v));
const iso = (v: Date | string | null) => (v == null ? null : new Date(v).toISOString());

export function mapStatusCounts(
  rows: { status: AssetStatus; n: string | number }[],
): Record<(typeof OUT_OF_SERVICE_STATUSES)[number], number> {
  const counts = zeros(OUT_OF_SERVICE_STATUSES);
  for (const r of rows) if (r.status in counts) counts[r.status] = Number(r.n);
  return counts;
}

export interface MapMarkerRecord {
  subscription_id: string;
  subscription_no: string;
  tenant_id: string;
  lat: string;
  lng: string;
  status: MapStatus;
  alarm_types: AlarmType[] | null;
  over_threshold: boolean;
  silent: boolean;
  customer_name: string;
  meter_serial_no: string | null;
  last_reading_at: Date | null;
  today_m3: string | null;
  district: string | null;
  neighborhood: string | null;
}

/** Red alarm types first, then HIGH_USAGE, then NO_SIGNAL (the colour priority), each once. */
const REASON_ORDER: AlarmType[] = [...ALARM_TYPES.filter((t) => t !== 'HIGH_USAGE' && t !== 'NO_SIGNAL'), 'HIGH_USAGE', 'NO_SIGNAL'];

export function mapMarker(r: MapMarkerRecord): MapMarker {
  const reasons = new Set<AlarmType>(r.alarm_types ?? []);
  if (r.over_threshold) reasons.add('HIGH_USAGE');
  if (r.silent) reasons.add('NO_SIGNAL');
  return {
    subscriptionId: r.subscription_id,
    subscriptionNo: r.subscription_no,
    tenantId: r.tenant_id,
    lat: Number(r.lat),
    lng: Number(r.lng),
    status: r.status,
    reasons: REASON_ORDER.filter((t) => reasons.has(t)),
    customerName: r.customer_name,
    meterSerialNo: r.meter_serial_no,
    lastReadingAt: iso(r.last_reading_at),
    todayM3: num(r.today_m3),
    district: r.district,
    neighborhood: r.neighborhood,
  };
}

export function mapMap(rows: MapMarkerRecord[], limit: number): MapView {
  const markers = rows.slice(0, limit).map(mapMarker);
  const counts = zeros(MAP_STATUSES);
  for (const m of markers) counts[m.status]++;
  return { markers, counts, truncated: rows.length > limit };
}

export interface MapSearchRecord extends AddressColumnsRecord {
  subscription_id: string;
  subscription_no: string;
  tenant_id: string;
  customer_name: string;
  lat: string;
  lng: string;
}

export function mapSearchHit(r: MapSearchRecord): MapSearchHit {
  return {
    subscriptionId: r.subscription_id,
    subscriptionNo: r.subscription_no,
    tenantId: r.tenant_id,
    customerName: r.customer_name,
    address: addressColumnsLine(r),
    lat: Number(r.lat),
    lng: Number(r.lng),
  };
}

export interface MapAreaRecord {
  district: string;
  neighborhood: string | null;
  n: string | number;
}

const turkish = new Intl.Collator('tr');

/** Rows per (district, neighbourhood) grouped into districts, both sorted the Turkish way. */
export function mapAreas(rows: MapAreaRecord[]): MapAreas {
  const byDistrict = new Map<string, MapAreas['districts'][number]>();
  for (const r of rows) {
    let district = byDistrict.get(r.district);
    if (!district) byDistrict.set(r.district, (district = { district: r.district, subscriptions: 0, neighborhoods: [] }));
    district.subscriptions += Number(r.n);
    if (r.neighborhood) district.neighborhoods.push({ neighborhood: r.neighborhood, subscriptions: Number(r.n) });
  }
  const districts = [...byDistrict.values()].sort((a, b) => turkish.compare(a.district, b.district));
  for (const d of districts) d.neighborhoods.sort((a, b) => turkish.compare(a.neighborhood, b.neighborhood));
  return { districts };
}

export interface UsageRecord {
  day: string;
  m3: string | null;
  estimated: string | null;
}

export function mapUsage(rows: UsageRecord[]) {
  return rows.map((r) => ({ day: r.day, consumptionM3: num(r.m3), estimatedM3: num(r.estimated) }));
}

export interface OutOfServiceRecord {
  id: string;
  serial_no: string;
  brand: string;
  model: string;
  status: AssetStatus;
  tenant_id: string;
  tenant_name: string;
  linked_id: string | null;
  linked_serial_no: string | null;
  subscription_id: string | null;
  subscription_no: string | null;
  address_street: string | null;
  address_building_no: string | null;
  address_door_no: string | null;
  address_neighborhood: string | null;
  address_district: string | null;
  address_city: string | null;
  address_name: string | null;
  address_id: string | null;
  latitude: string | null;
  longitude: string | null;
  last_seen_at: Date | null;
}

export function mapOutOfService(kind: 'meter' | 'device', r: OutOfServiceRecord): OutOfServiceRow {
  return {
    kind,
    id: r.id,
    serialNo: r.serial_no,
    brand: r.brand,
    model: r.model,
    status: r.status,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    linked:
      r.linked_id && r.linked_serial_no
        ? { kind: kind === 'meter' ? 'device' : 'meter', id: r.linked_id, serialNo: r.linked_serial_no }
        : null,
    subscription: r.subscription_id && r.subscription_no ? { id: r.subscription_id, subscriptionNo: r.subscription_no } : null,
    address: r.address_id
      ? {
          line: formatAddressLine({
            street: r.address_street,
            buildingNo: r.address_building_no,
            doorNo: r.address_door_no,
            neighborhood: r.address_neighborhood,
            district: r.address_district,
            city: r.address_city,
            name: r.address_name,
          }),
          city: r.address_city,
          district: r.address_district,
          latitude: r.latitude == null ? null : Number(r.latitude),
          longitude: r.longitude == null ? null : Number(r.longitude),
        }
      : null,
    lastSeenAt: iso(r.last_seen_at),
  };
}
