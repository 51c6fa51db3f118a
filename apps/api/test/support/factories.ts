/**
 * Factories: the rows a test needs, written straight into the suite's database (as the owner, so
 * row-level security does not apply), with sensible defaults, every field overridable and unique
 * serials, e-mails and identifiers per call. Start from `startTestApp()` (a bare database: migrations
 * and the reference lists only) and build what the test is about:
 *
 *   const tenant = await makeTenant(t);
 *   const { token } = await makeAdmin(t, tenant);
 *   const device = await makeDevice(t, { tenant, meter: await makeMeter(t, { tenant }) });
 *
 * Users get a real argon2 password hash, so `tokenFor` logs in through the real /api/auth/login.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import {
  COMPATIBLE_DEVICE_BRANDS,
  DEVICE_PROFILE_TENANTS,
  DEVICE_PROFILES,
  encodeUplink,
  insertMeterDaysFromReadings,
  loadDecoderSource,
  MESSAGE_SCENARIOS,
  METER_PROFILE_TENANTS,
  METER_PROFILES,
  SEED_PASSWORD,
  type AlarmType,
  type AssetStatus,
  type DeviceProfileKey,
  type PlanStatus,
  type ReadingSource,
  type TenantKey,
  type ValveState,
} from '@water/db';
import { PERMISSION_MODULES, type PermissionModule } from '@water/shared';
import type { TestApp } from './test-app';

// ─── Unique values ──────────────────────────────────────────────────────────────

let counter = 0;
/** Differs between suites (and runs), so values never collide with a leftover or a parallel suite. */
const RUN = randomBytes(2).toString('hex').toUpperCase();
/** A number no other call in this process has had. */
const seq = () => ++counter;
const hex = (n: number) =>
  randomBytes(Math.ceil(n / 2))
    .toString('hex')
    .slice(0, n)
    .toUpperCase();
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

/** A T.C. Kimlik No with both check digits right. */
export function validTcIdNo(): string {
  const d = [1 + (randomBytes(1)[0]! % 9), ...digits(8).split('').map(Number)];
  const odd = d[0]! + d[2]! + d[4]! + d[6]! + d[8]!;
  const even = d[1]! + d[3]! + d[5]! + d[7]!;
  d.push((((odd * 7 - even) % 10) + 10) % 10);
  d.push(d.reduce((a, b) => a + b, 0) % 10);
  return d.join('');
}

/** A 10-digit Vergi Kimlik No with its check digit. */
export function validTaxId(): string {
  const d = [1 + (randomBytes(1)[0]! % 9), ...digits(8).split('').map(Number)];
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const x = (d[i]! + 9 - i) % 10;
    let v = (x * 2 ** (9 - i)) % 9;
    if (x !== 0 && v === 0) v = 9;
    sum += v;
  }
  return d.join('') + ((10 - (sum % 10)) % 10);
}

// ─── Reference data ─────────────────────────────────────────────────────────────

interface Reference {
  meterBrands: Map<string, string>;
  deviceBrands: Map<string, string>;
  ipRatings: Map<string, string>;
  groups: Map<string, string>;
  technologies: Map<string, string>;
  /** `${technologyCode}.${fieldKey}` → field id. */
  fields: Map<string, string>;
}
const references = new WeakMap<TestApp, Promise<Reference>>();

/** Ids of the reference lists every database has (brands, IP ratings, groups, technologies and fields). */
export function reference(t: TestApp): Promise<Reference> {
  let ref = references.get(t);
  if (!ref) {
    ref = (async () => {
      const pairs = async (text: string) => new Map((await t.sql<{ k: string; id: string }>(text)).map((r) => [r.k, r.id]));
      return {
        meterBrands: await pairs('SELECT name AS k, id FROM meter_brand'),
        deviceBrands: await pairs('SELECT name AS k, id FROM device_brand'),
        ipRatings: await pairs('SELECT code AS k, id FROM ip_rating'),
        groups: await pairs('SELECT code AS k, id FROM subscription_group'),
        technologies: await pairs('SELECT code AS k, id FROM communication_technology'),
        fields: await pairs(
          `SELECT c.code || '.' || f.key AS k, f.id FROM communication_technology_field f JOIN communication_technology c ON c.id = f.technology_id`,
        ),
      };
    })();
    ref.catch(() => references.delete(t));
    references.set(t, ref);
  }
  return ref;
}

const idOf = (x: string | { id: string }) => (typeof x === 'string' ? x : x.id);

// ─── Tenants, users, memberships ────────────────────────────────────────────────

export interface Tenant {
  id: string;
  name: string;
  parentId: string | null;
}

/** A tenant; a child of `parent` when given, else a root. */
export async function makeTenant(
  t: TestApp,
  o: { name?: string; parent?: Tenant | string | null; timeZone?: string; planStatus?: PlanStatus } = {},
): Promise<Tenant> {
  const parentId = o.parent ? idOf(o.parent) : null;
  const row = await t.kysely
    .insertInto('tenant')
    .values({
      name: o.name ?? `Tenant ${RUN}-${seq()}`,
      parent_id: parentId,
      time_zone: o.timeZone,
      plan_status: o.planStatus,
    })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, parentId };
}

/** Grants per module in the compact form of `matrix()`: { METERS: 'r', USERS: 'crud' }. */
export type Grants = Partial<Record<PermissionModule, 'r' | 'ru' | 'cr' | 'cru' | 'crud'>>;

export interface Membership {
  id: string;
  userId: string;
  tenantId: string;
}

/** A user's membership of a tenant with its permission matrix: every right by default. */
export async function makeMembership(
  t: TestApp,
  o: { user: User | string; tenant: Tenant | string; role?: string; permissions?: 'all' | Grants },
): Promise<Membership> {
  const userId = idOf(o.user);
  const tenantId = idOf(o.tenant);
  const permissions = o.permissions ?? 'all';
  const { id } = await t.kysely
    .insertInto('membership')
    .values({ user_id: userId, tenant_id: tenantId, role: o.role ?? (permissions === 'all' ? 'Administrator' : 'Member') })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.kysely
    .insertInto('membership_permission')
    .values(
      PERMISSION_MODULES.map((module) => {
        const g = permissions === 'all' ? 'crud' : (permissions[module] ?? '');
        return {
          membership_id: id,
          module,
          can_create: g.includes('c'),
          can_read: g.includes('r'),
          can_update: g.includes('u'),
          can_delete: g.includes('d'),
        };
      }),
    )
    .execute();
  return { id, userId, tenantId };
}

export interface User {
  id: string;
  email: string;
  password: string;
}

/** What `makeUser` gives a user unless told otherwise: the seed's password, so `t.login(email)` works for both. */
export const DEFAULT_PASSWORD = SEED_PASSWORD;

/** Cheap argon2id parameters (the API verifies with whatever the hash names), one hash per password. */
const hashes = new Map<string, Promise<string>>();
function passwordHash(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) {
    h = argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
    hashes.set(password, h);
  }
  return h;
}

/**
 * A user who can log in with `password` (DEFAULT_PASSWORD unless given, so `t.login(email)` works too),
 * with a membership of `tenant` when given (every right unless `permissions` says otherwise).
 */
export async function makeUser(
  t: TestApp,
  o: {
    email?: string;
    password?: string;
    name?: string;
    surname?: string;
    phone?: string;
    tcIdNo?: string;
    isActive?: boolean;
    tenant?: Tenant | string;
    role?: string;
    permissions?: 'all' | Grants;
  } = {},
): Promise<User> {
  const n = seq();
  const password = o.password ?? DEFAULT_PASSWORD;
  const { id, email } = await t.kysely
    .insertInto('app_user')
    .values({
      email: o.email ?? `user-${RUN.toLowerCase()}-${n}@example.com`,
      name: o.name ?? 'Test',
      surname: o.surname ?? `User ${n}`,
      phone: o.phone,
      tc_id_no: o.tcIdNo,
      is_active: o.isActive,
      password_hash: await passwordHash(password),
    })
    .returning(['id', 'email'])
    .executeTakeFirstOrThrow();
  const user = { id, email, password };
  if (o.tenant) await makeMembership(t, { user, tenant: o.tenant, role: o.role, permissions: o.permissions });
  return user;
}

/** An access token for `user`, from the real login endpoint. */
export function tokenFor(t: TestApp, user: Pick<User, 'email' | 'password'>): Promise<string> {
  return t.login(user.email, user.password);
}

/** A user with every right on `tenant` (and so on its subtree), logged in. */
export async function makeAdmin(t: TestApp, tenant: Tenant | string, o: Parameters<typeof makeUser>[1] = {}) {
  const user = await makeUser(t, { ...o, tenant });
  return { user, token: await tokenFor(t, user) };
}

/**
 * The shape most suites test against: a root tenant and two utilities under it, each with an
 * administrator holding every right there, logged in. Names are unique, so two calls never clash.
 */
export async function makeUtilities(t: TestApp) {
  const root = await makeTenant(t, { name: `Root ${RUN}-${seq()}` });
  const [a, b] = await Promise.all([
    makeTenant(t, { parent: root, name: `Utility A ${RUN}-${seq()}` }),
    makeTenant(t, { parent: root, name: `Utility B ${RUN}-${seq()}` }),
  ]);
  const [rootAdmin, aAdmin, bAdmin] = await Promise.all([makeAdmin(t, root), makeAdmin(t, a), makeAdmin(t, b)]);
  return { root, a, b, rootAdmin, aAdmin, bAdmin };
}

// ─── Catalogue: meter and device profiles ───────────────────────────────────────

/** The tenant and its ancestors below the root: what must allow a profile for the tenant to use it. */
async function allowOnPath(t: TestApp, table: 'tenant_meter_profile' | 'tenant_device_profile', profileId: string, tenantIds: string[]) {
  if (tenantIds.length === 0) return;
  const column = table === 'tenant_meter_profile' ? 'meter_profile_id' : 'device_profile_id';
  await t.sql(
    `INSERT INTO ${table} (tenant_id, ${column})
     SELECT a.id, $1::uuid FROM tenant x JOIN tenant a ON a.path @> x.path
      WHERE x.id = ANY($2::uuid[]) AND a.parent_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [profileId, tenantIds],
  );
}

export interface MeterProfile {
  id: string;
  brandId: string;
  modelCode: string;
  hasValve: boolean;
}

/**
 * A meter profile with the technical data of one of the seed's catalogue entries (`key`,
 * 'manas-sj15' by default) under a model code of its own; child tenants in `tenants` (and their
 * parents) may use it, the root always may.
 */
export async function makeMeterProfile(
  t: TestApp,
  o: { key?: string; modelCode?: string; tenants?: Array<Tenant | string>; hasValve?: boolean } = {},
): Promise<MeterProfile> {
  const def = METER_PROFILES.find((p) => p.key === (o.key ?? 'manas-sj15'));
  if (!def) throw new Error(`no meter profile ${o.key} in the seed's catalogue`);
  const ref = await reference(t);
  const brandId = ref.meterBrands.get(def.brand)!;
  const row = await t.kysely
    .insertInto('meter_profile')
    .values({
      brand_id: brandId,
      model_code: o.modelCode ?? `${def.modelCode} ${RUN}-${seq()}`,
      meter_type: def.meterType,
      dial_type: def.dialType,
      temperature_type: def.temperatureType,
      mounting_type: def.mountingType,
      connection_type: def.connectionType,
      ip_rating_id: ref.ipRatings.get(def.ipRating)!,
      diameter_mm: def.diameterMm,
      length_mm: def.lengthMm.toFixed(1),
      width_mm: def.widthMm.toFixed(1),
      height_mm: def.heightMm.toFixed(1),
      q1: def.q1.toFixed(4),
      q2: def.q2.toFixed(4),
      q3: def.q3.toFixed(4),
      q4: def.q4.toFixed(4),
      r_value: def.rValueManual?.toFixed(2),
      r_value_manual: def.rValueManual !== undefined,
      pressure_loss_bar: def.pressureLossBar.toFixed(3),
      communication_module: def.communicationModule,
    })
    .returning(['id', 'model_code'])
    .executeTakeFirstOrThrow();
  await allowOnPath(t, 'tenant_meter_profile', row.id, (o.tenants ?? []).map(idOf));
  return { id: row.id, brandId, modelCode: row.model_code, hasValve: o.hasValve ?? def.hasValve };
}

export interface DeviceProfile {
  id: string;
  brandId: string;
  modelCode: string;
  /** The seed's payload encoder key for this profile's frames (`encodeUplink(key, …)`). */
  key: DeviceProfileKey;
  technology: string;
}

/**
 * A device profile like the seed's `key` ('manas-lorawan' by default) with its technology and the
 * seed's TS013 decoders as message scenarios (unless `scenarios: false`), under a model code of its
 * own; compatible with `meterProfiles`, usable by `tenants` (and their parents; the root always).
 */
export async function makeDeviceProfile(
  t: TestApp,
  o: {
    key?: DeviceProfileKey;
    modelCode?: string;
    tenants?: Array<Tenant | string>;
    meterProfiles?: Array<MeterProfile | string>;
    scenarios?: boolean;
    expectedIntervalMinutes?: number;
  } = {},
): Promise<DeviceProfile> {
  const key = o.key ?? 'manas-lorawan';
  const def = DEVICE_PROFILES.find((p) => p.key === key)!;
  const ref = await reference(t);
  const brandId = ref.deviceBrands.get(def.brand)!;
  const technologyId = ref.technologies.get(def.technology)!;
  const row = await t.kysely
    .insertInto('device_profile')
    .values({
      brand_id: brandId,
      model_code: o.modelCode ?? `${def.modelCode} ${RUN}-${seq()}`,
      communication_module: def.communicationModule,
      battery_life_months: def.batteryLifeMonths,
      expected_interval_minutes: o.expectedIntervalMinutes ?? def.expectedIntervalMinutes,
      description: def.description,
    })
    .returning(['id', 'model_code'])
    .executeTakeFirstOrThrow();
  await t.kysely.insertInto('device_profile_technology').values({ device_profile_id: row.id, technology_id: technologyId }).execute();
  if (o.scenarios !== false) {
    await t.kysely
      .insertInto('message_scenario')
      .values(
        MESSAGE_SCENARIOS.filter((s) => s.profile === key).map((s) => ({
          device_profile_id: row.id,
          technology_id: technologyId,
          name: s.name,
          f_port: s.fPort,
          decoder_source: loadDecoderSource(s.file),
          sort_order: s.kind === 'index' ? 1 : 2,
        })),
      )
      .execute();
  }
  for (const m of o.meterProfiles ?? []) await compatible(t, m, row.id);
  await allowOnPath(t, 'tenant_device_profile', row.id, (o.tenants ?? []).map(idOf));
  return { id: row.id, brandId, modelCode: row.model_code, key, technology: def.technology };
}

async function compatible(t: TestApp, meterProfile: MeterProfile | string, deviceProfile: DeviceProfile | string) {
  await t.sql('INSERT INTO meter_profile_device_profile (meter_profile_id, device_profile_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    idOf(meterProfile),
    idOf(deviceProfile),
  ]);
}

/**
 * The brief's catalogue as the seed tables it: its ten meter and seven device profiles under their
 * own model codes, with the seed's brand-level compatibility, allowed to `ASKI` and `HATSU` as the
 * seed allows them to those utilities (pass the tenants that play their parts; the root sees all).
 * For suites about rules that depend on which profiles fit and who may use them.
 */
export async function makeCatalogue(t: TestApp, o: { ASKI?: Tenant | string; HATSU?: Tenant | string } = {}) {
  const tenantsFor = (keys: TenantKey[] | undefined) => (keys ?? []).flatMap((k) => (k === 'ROOT' || !o[k] ? [] : [o[k]]));
  const meterProfiles: Record<string, MeterProfile> = {};
  for (const def of METER_PROFILES)
    meterProfiles[def.modelCode] = await makeMeterProfile(t, {
      key: def.key,
      modelCode: def.modelCode,
      tenants: tenantsFor(METER_PROFILE_TENANTS[def.brand]),
    });
  const deviceProfiles = {} as Record<DeviceProfileKey, DeviceProfile>;
  /** Device profiles by brand name (the seed has one per brand). */
  const deviceProfilesByBrand: Record<string, DeviceProfile> = {};
  for (const def of DEVICE_PROFILES) {
    const compatibleWith = METER_PROFILES.filter((m) => (COMPATIBLE_DEVICE_BRANDS[m.brand] ?? []).includes(def.brand));
    deviceProfiles[def.key] = await makeDeviceProfile(t, {
      key: def.key,
      modelCode: def.modelCode,
      tenants: tenantsFor(DEVICE_PROFILE_TENANTS[def.brand]),
      meterProfiles: compatibleWith.map((m) => meterProfiles[m.modelCode]!),
    });
    deviceProfilesByBrand[def.brand] = deviceProfiles[def.key];
  }
  return { meterProfiles, deviceProfiles, deviceProfilesByBrand };
}

// ─── Customers, addresses, subscriptions ────────────────────────────────────────

export interface Address {
  id: string;
  tenantId: string;
}

export async function makeAddress(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    name?: string;
    city?: string;
    district?: string;
    street?: string;
    latitude?: number;
    longitude?: number;
    uavtCode?: string;
  },
): Promise<Address> {
  const tenantId = idOf(o.tenant);
  const n = seq();
  const { id } = await t.kysely
    .insertInto('address')
    .values({
      tenant_id: tenantId,
      name: o.name,
      city: o.city ?? 'Ankara',
      district: o.district ?? 'Çankaya',
      street: o.street ?? `Test Sokak ${n}`,
      // Somewhere in Ankara, a different spot for every address.
      latitude: (o.latitude ?? 39.85 + (n % 150) / 1000).toFixed(6),
      longitude: (o.longitude ?? 32.7 + (n % 293) / 1000).toFixed(6),
      uavt_code: o.uavtCode,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, tenantId };
}

export interface Customer {
  id: string;
  tenantId: string;
  type: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  tcIdNo: string | null;
  taxId: string | null;
  addressId: string | null;
}

/** An individual (valid TC ID No) or, with `type: 'ORGANIZATIONAL'`, an organisation (valid tax id) of `tenant`. */
export async function makeCustomer(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    type?: 'INDIVIDUAL' | 'ORGANIZATIONAL';
    name?: string;
    surname?: string;
    tcIdNo?: string | null;
    organizationName?: string;
    taxId?: string;
    phone?: string;
    email?: string;
    /** An address of its own (true, or fields of it), or an existing one. */
    address?: boolean | Address | Omit<Parameters<typeof makeAddress>[1], 'tenant'>;
    /** Its primary contact (an organisation's contact person). */
    contact?: { name: string; surname?: string; phone?: string; email?: string };
  },
): Promise<Customer> {
  const tenantId = idOf(o.tenant);
  const type = o.type ?? 'INDIVIDUAL';
  const n = seq();
  let addressId: string | null = null;
  if (o.address && typeof o.address === 'object' && 'id' in o.address) addressId = o.address.id;
  else if (o.address) addressId = (await makeAddress(t, { tenant: tenantId, ...(o.address === true ? {} : o.address) })).id;
  const individual = type === 'INDIVIDUAL';
  const row = await t.kysely
    .insertInto('customer')
    .values({
      tenant_id: tenantId,
      customer_type: type,
      name: individual ? (o.name ?? 'Ayşe') : o.name,
      surname: individual ? (o.surname ?? `Müşteri ${n}`) : o.surname,
      tc_id_no: individual ? (o.tcIdNo === undefined ? validTcIdNo() : o.tcIdNo) : null,
      organization_name: individual ? null : (o.organizationName ?? `Kurum ${RUN}-${n}`),
      tax_id: individual ? (o.taxId ?? null) : (o.taxId ?? validTaxId()),
      phone: o.phone,
      email: o.email,
      address_id: addressId,
    })
    .returning(['id', 'tc_id_no', 'tax_id'])
    .executeTakeFirstOrThrow();
  if (o.contact)
    await t.kysely
      .insertInto('customer_contact')
      .values({ customer_id: row.id, ...o.contact, is_primary: true })
      .execute();
  return { id: row.id, tenantId, type, tcIdNo: row.tc_id_no, taxId: row.tax_id, addressId };
}

export interface Subscription {
  id: string;
  tenantId: string;
  customerId: string;
  subscriptionNo: string;
}

/**
 * A subscription of `customer` (a new individual of `tenant` when not given); with `meter`, the
 * meter serves it from `startedAt` (an open meter-history row).
 */
export async function makeSubscription(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    customer?: Customer | string;
    subscriptionNo?: string;
    type?: 'INDIVIDUAL' | 'ORGANIZATIONAL';
    group?: 'NORMAL' | 'HIGH';
    address?: Address | string;
    isActive?: boolean;
    meter?: Meter | string;
    startedAt?: Date;
    initialIndexM3?: number;
  },
): Promise<Subscription> {
  const tenantId = idOf(o.tenant);
  const customerId = o.customer ? idOf(o.customer) : (await makeCustomer(t, { tenant: tenantId })).id;
  const ref = await reference(t);
  const row = await t.kysely
    .insertInto('subscription')
    .values({
      tenant_id: tenantId,
      customer_id: customerId,
      subscription_no: o.subscriptionNo ?? `SUB-${RUN}-${String(seq()).padStart(6, '0')}`,
      subscription_type: o.type ?? 'INDIVIDUAL',
      group_id: ref.groups.get(o.group ?? 'NORMAL')!,
      address_id: o.address ? idOf(o.address) : null,
      is_active: o.isActive,
    })
    .returning(['id', 'subscription_no'])
    .executeTakeFirstOrThrow();
  const subscription = { id: row.id, tenantId, customerId, subscriptionNo: row.subscription_no };
  if (o.meter) await attachMeter(t, { subscription, meter: o.meter, startedAt: o.startedAt, initialIndexM3: o.initialIndexM3 });
  return subscription;
}

/** Opens a meter-history row: `meter` serves `subscription` from `startedAt` (30 days ago by default). */
export async function attachMeter(
  t: TestApp,
  o: { subscription: Subscription | string; meter: Meter | string; startedAt?: Date; initialIndexM3?: number },
): Promise<void> {
  const subscriptionId = idOf(o.subscription);
  const tenantId =
    typeof o.subscription === 'string'
      ? (await t.sql<{ tenant_id: string }>('SELECT tenant_id FROM subscription WHERE id = $1', [subscriptionId]))[0]!.tenant_id
      : o.subscription.tenantId;
  await t.kysely
    .insertInto('subscription_meter')
    .values({
      tenant_id: tenantId,
      subscription_id: subscriptionId,
      meter_id: idOf(o.meter),
      started_at: o.startedAt ?? new Date(Date.now() - 30 * 86_400_000),
      initial_index_m3: (o.initialIndexM3 ?? 0).toFixed(3),
    })
    .execute();
}

// ─── Meters and devices ─────────────────────────────────────────────────────────

export interface Meter {
  id: string;
  tenantId: string;
  serialNo: string;
  profileId: string;
  brandId: string;
}

/**
 * A meter of `tenant` (ACTIVE, installed 30 days ago) on `profile` (a new one usable by the tenant
 * when not given); with `subscription`, it serves that subscription from its installation.
 */
export async function makeMeter(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    profile?: MeterProfile;
    serialNo?: string;
    status?: AssetStatus;
    initialIndexM3?: number;
    installedAt?: Date | null;
    hasValve?: boolean;
    valveState?: ValveState | null;
    subscription?: Subscription | string;
  },
): Promise<Meter> {
  const tenantId = idOf(o.tenant);
  const profile = o.profile ?? (await makeMeterProfile(t, { tenants: [tenantId] }));
  const installedAt = o.installedAt === undefined ? new Date(Date.now() - 30 * 86_400_000) : o.installedAt;
  const hasValve = o.hasValve ?? profile.hasValve;
  const row = await t.kysely
    .insertInto('meter')
    .values({
      tenant_id: tenantId,
      meter_profile_id: profile.id,
      brand_id: profile.brandId,
      serial_no: o.serialNo ?? `M${RUN}${String(seq()).padStart(6, '0')}`,
      initial_index_m3: (o.initialIndexM3 ?? 0).toFixed(3),
      installed_at: installedAt,
      status: o.status ?? 'ACTIVE',
      has_valve: hasValve,
      valve_state: o.valveState === undefined ? (hasValve ? 'OPEN' : null) : o.valveState,
    })
    .returning(['id', 'serial_no'])
    .executeTakeFirstOrThrow();
  const meter = { id: row.id, tenantId, serialNo: row.serial_no, profileId: profile.id, brandId: profile.brandId };
  if (o.subscription)
    await attachMeter(t, {
      subscription: o.subscription,
      meter,
      startedAt: installedAt ?? undefined,
      initialIndexM3: o.initialIndexM3,
    });
  return meter;
}

export interface Device {
  id: string;
  tenantId: string;
  serialNo: string;
  meterId: string | null;
  profileId: string;
  /** The profile's payload encoder key, for `encodeUplink` / `ttnUplink`. */
  key: DeviceProfileKey;
  /** Identifier values by field key (DevEUI, JoinEUI, AppKey; ID, PAC; IMEI, IMSI, ICCID). */
  identifiers: Record<string, string>;
  /** The identifier the network names the device by: DevEUI, Sigfox ID or IMEI. */
  eui: string;
}

function luhn(body: string): string {
  for (let c = 0; c <= 9; c++) {
    const s = body + c;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let d = Number(s[s.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

/** Fresh identifiers for a device of `technology`, unique per call. */
export function identifiersFor(technology: string): Record<string, string> {
  switch (technology) {
    case 'LORAWAN':
      return { DevEUI: `70B3D5${hex(10)}`, JoinEUI: '70B3D57ED0000000', AppKey: hex(32) };
    case 'SIGFOX':
      return { ID: hex(8), PAC: hex(16) };
    case 'NBIOT':
      return { IMEI: luhn(`86743304${digits(6)}`), IMSI: `28601${digits(10)}`, ICCID: luhn(`899001${digits(12)}`) };
    default:
      throw new Error(`no identifiers for ${technology}: pass them`);
  }
}

/**
 * A device of `tenant` (ACTIVE) on `profile` (a profile object, or a seed profile key to make one,
 * 'manas-lorawan' by default), reading `meter` when given (its profiles are made compatible),
 * provisioned with fresh identifiers of its technology.
 */
export async function makeDevice(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    profile?: DeviceProfile | DeviceProfileKey;
    meter?: Meter | null;
    serialNo?: string;
    status?: AssetStatus;
    identifiers?: Record<string, string>;
  },
): Promise<Device> {
  const tenantId = idOf(o.tenant);
  const profile =
    o.profile && typeof o.profile === 'object' ? o.profile : await makeDeviceProfile(t, { key: o.profile, tenants: [tenantId] });
  if (o.meter) await compatible(t, o.meter.profileId, profile.id);
  const row = await t.kysely
    .insertInto('device')
    .values({
      tenant_id: tenantId,
      device_profile_id: profile.id,
      brand_id: profile.brandId,
      meter_id: o.meter?.id ?? null,
      serial_no: o.serialNo ?? `D${RUN}${String(seq()).padStart(6, '0')}`,
      status: o.status ?? 'ACTIVE',
    })
    .returning(['id', 'serial_no'])
    .executeTakeFirstOrThrow();
  const identifiers = o.identifiers ?? identifiersFor(profile.technology);
  const ref = await reference(t);
  const entries = Object.entries(identifiers);
  if (entries.length)
    await t.kysely
      .insertInto('device_identifier')
      .values(
        entries.map(([key, value]) => {
          const fieldId = ref.fields.get(`${profile.technology}.${key}`);
          if (!fieldId) throw new Error(`${profile.technology} has no identifier field ${key}`);
          return { device_id: row.id, field_id: fieldId, value, normalized_value: value.toLowerCase() };
        }),
      )
      .execute();
  return {
    id: row.id,
    tenantId,
    serialNo: row.serial_no,
    meterId: o.meter?.id ?? null,
    profileId: profile.id,
    key: profile.key,
    identifiers,
    eui: identifiers.DevEUI ?? identifiers.ID ?? identifiers.IMEI ?? '',
  };
}

/**
 * A metered installation in one call, all of `tenant`: a customer (a new individual at an address
 * of their own unless given), a subscription at that address, a meter serving it and a device
 * reading the meter.
 */
export async function makeInstallation(
  t: TestApp,
  o: {
    tenant: Tenant | string;
    deviceProfile?: DeviceProfile | DeviceProfileKey;
    meterProfile?: MeterProfile;
    customer?: Customer;
    subscriptionNo?: string;
    initialIndexM3?: number;
  },
) {
  const customer = o.customer ?? (await makeCustomer(t, { tenant: o.tenant, address: true }));
  const subscription = await makeSubscription(t, {
    tenant: o.tenant,
    customer,
    subscriptionNo: o.subscriptionNo,
    address: customer.addressId ?? undefined,
  });
  const meter = await makeMeter(t, { tenant: o.tenant, profile: o.meterProfile, subscription, initialIndexM3: o.initialIndexM3 });
  const device = await makeDevice(t, { tenant: o.tenant, profile: o.deviceProfile, meter });
  return { customer, subscription, meter, device };
}

/** A LoRaWAN device with a meter, as ingest tests post for it. */
export interface LoraDevice {
  id: string;
  eui: string;
  /** The profile's payload encoder key. */
  key: DeviceProfileKey;
  /** Its meter's index now, m³ (the meter's initial index: it has no readings yet). */
  last: number;
  profileId: string;
  tenantId: string;
  meterId: string;
}

/**
 * `count` active LoRaWAN installations of `tenant`, taking the seed's LoRaWAN profiles in turn
 * (`keys`, every one by default: one profile each, made here), each meter at its own index.
 */
export async function makeLoraDevices(
  t: TestApp,
  o: { tenant: Tenant | string; count: number; keys?: DeviceProfileKey[] },
): Promise<LoraDevice[]> {
  const keys = o.keys ?? (['manas-lorawan', 'itron-lorawan', 'klepsan-lorawan', 'ima-lorawan'] as DeviceProfileKey[]);
  const tenantId = idOf(o.tenant);
  const meterProfile = await makeMeterProfile(t, { tenants: [tenantId] });
  const profiles = await Promise.all(keys.map((key) => makeDeviceProfile(t, { key, tenants: [tenantId] })));
  const out: LoraDevice[] = [];
  for (let i = 0; i < o.count; i++) {
    const last = 10 + i + (seq() % 100) / 1000;
    const { device, meter } = await makeInstallation(t, {
      tenant: tenantId,
      meterProfile,
      deviceProfile: profiles[i % profiles.length],
      initialIndexM3: last,
    });
    out.push({ id: device.id, eui: device.eui, key: device.key, last, profileId: device.profileId, tenantId, meterId: meter.id });
  }
  return out;
}

// ─── Readings ───────────────────────────────────────────────────────────────────

/**
 * A reading of `device` at `time` with the meter's index (tenant, meter and the meter's open
 * subscription taken from the device), consumption the delta to the meter's previous reading
 * unless given; the meter's and device's latest state follow when it is the newest.
 */
export async function makeReading(
  t: TestApp,
  o: {
    device: Device | string;
    time: Date;
    indexM3: number;
    consumptionM3?: number | null;
    batteryPct?: number;
    rssi?: number;
    alarms?: AlarmType[];
    source?: ReadingSource;
  },
): Promise<void> {
  const deviceId = idOf(o.device);
  const [d] = await t.sql<{ tenant_id: string; meter_id: string | null; subscription_id: string | null; prev: string | null }>(
    `SELECT d.tenant_id, d.meter_id,
            (SELECT sm.subscription_id FROM subscription_meter sm WHERE sm.meter_id = d.meter_id AND sm.started_at <= $2
              ORDER BY sm.started_at DESC LIMIT 1) AS subscription_id,
            (SELECT r.index_m3 FROM reading r WHERE r.meter_id = d.meter_id AND r.time < $2 ORDER BY r.time DESC LIMIT 1) AS prev
       FROM device d WHERE d.id = $1`,
    [deviceId, o.time],
  );
  if (!d) throw new Error(`no device ${deviceId}`);
  const consumption = o.consumptionM3 !== undefined ? o.consumptionM3 : d.prev === null ? null : Math.max(0, o.indexM3 - Number(d.prev));
  await t.kysely
    .insertInto('reading')
    .values({
      time: o.time,
      device_id: deviceId,
      meter_id: d.meter_id,
      subscription_id: d.subscription_id,
      tenant_id: d.tenant_id,
      index_m3: o.indexM3.toFixed(3),
      consumption_m3: consumption === null ? null : consumption.toFixed(3),
      battery_pct: o.batteryPct?.toFixed(2),
      rssi: o.rssi,
      alarms: o.alarms,
      source: o.source,
    })
    .execute();
  await t.sql(
    `UPDATE device SET last_seen_at = $2, battery_pct = coalesce($3, battery_pct), rssi = coalesce($4, rssi)
      WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at <= $2)`,
    [deviceId, o.time, o.batteryPct ?? null, o.rssi ?? null],
  );
  if (d.meter_id)
    await t.sql(
      `UPDATE meter SET last_index_m3 = $2, last_reading_at = $3 WHERE id = $1 AND (last_reading_at IS NULL OR last_reading_at <= $3)`,
      [d.meter_id, o.indexM3.toFixed(3), o.time],
    );
}

/**
 * `hours` hourly readings of `device` ending at `end` (the last full hour by default), the meter's
 * index rising from `startIndexM3` by a household-like curve (more by day than by night) with each
 * reading's consumption the rise since the one before; one statement. The meter's and device's
 * latest state follow; the daily rollup does not (`rollUpDays`).
 */
export async function makeHourlyReadings(
  t: TestApp,
  o: { device: Device; hours: number; end?: Date; startIndexM3?: number; m3PerHour?: number },
): Promise<void> {
  const end = o.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  await t.sql(
    `WITH s AS (SELECT i, $2::timestamptz - ($3::int - 1 - i) * interval '1 hour' AS time FROM generate_series(0, $3::int - 1) i),
          c AS (SELECT i, time,
                       round($5::numeric * CASE WHEN extract(hour FROM time AT TIME ZONE 'Europe/Istanbul') BETWEEN 6 AND 22 THEN 1.6 ELSE 0.4 END, 3) AS c
                  FROM s),
          x AS (SELECT i, time, c, sum(c) OVER (ORDER BY i) - first_value(c) OVER (ORDER BY i) AS total FROM c)
     INSERT INTO reading (time, device_id, meter_id, subscription_id, tenant_id, index_m3, consumption_m3, battery_pct, rssi)
     SELECT x.time, d.id, d.meter_id,
            (SELECT sm.subscription_id FROM subscription_meter sm WHERE sm.meter_id = d.meter_id AND sm.started_at <= x.time
               AND (sm.ended_at IS NULL OR sm.ended_at > x.time) ORDER BY sm.started_at DESC LIMIT 1),
            d.tenant_id, $4::numeric + x.total, CASE WHEN x.i = 0 THEN NULL ELSE x.c END, 85, -100
       FROM device d, x WHERE d.id = $1`,
    [o.device.id, end, o.hours, o.startIndexM3 ?? 0, o.m3PerHour ?? 0.02],
  );
  await t.sql(
    `UPDATE device SET last_seen_at = $2, battery_pct = 85, rssi = -100 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at <= $2)`,
    [o.device.id, end],
  );
  if (o.device.meterId)
    await t.sql(
      `UPDATE meter m SET last_index_m3 = r.index_m3, last_reading_at = r.time
         FROM (SELECT index_m3, time FROM reading WHERE meter_id = $1 ORDER BY time DESC LIMIT 1) r WHERE m.id = $1`,
      [o.device.meterId],
    );
}

/**
 * Cuts the daily rollups (meter_daily_consumption and, by trigger, the tenant days) from the
 * readings made so far: every meter's, or `meterId`'s only.
 */
export async function rollUpDays(t: TestApp, o: { meterId?: string } = {}): Promise<void> {
  if (!o.meterId) {
    await t.sql('DELETE FROM meter_daily_consumption');
    await insertMeterDaysFromReadings().execute(t.kysely);
    return;
  }
  await t.sql('DELETE FROM meter_daily_consumption WHERE meter_id = $1', [o.meterId]);
  await t.sql(
    `INSERT INTO meter_daily_consumption (meter_id, day, tenant_id, subscription_id, consumption_m3, last_index_m3, reading_count)
     SELECT r.meter_id, r.day, r.tenant_id, (array_agg(r.subscription_id ORDER BY r.time DESC))[1],
            coalesce(sum(r.consumption_m3), 0), max(r.index_m3), count(*)::int
       FROM (SELECT x.*, (x.time AT TIME ZONE tn.time_zone)::date AS day FROM reading x JOIN tenant tn ON tn.id = x.tenant_id
              WHERE x.meter_id = $1) r
      GROUP BY r.meter_id, r.day, r.tenant_id`,
    [o.meterId],
  );
}

/** An alarm of `device` (its tenant and meter), open unless `clearedAt` is given, acknowledged a minute in when `acknowledgedBy` is. */
export async function makeAlarm(
  t: TestApp,
  o: {
    device: Device;
    type?: AlarmType;
    startedAt?: Date;
    clearedAt?: Date | null;
    subscription?: Subscription | string | null;
    acknowledgedBy?: User | string;
  },
): Promise<{ id: string }> {
  const startedAt = o.startedAt ?? new Date(Date.now() - 3_600_000);
  return t.kysely
    .insertInto('alarm')
    .values({
      tenant_id: o.device.tenantId,
      type: o.type ?? 'TAMPER',
      device_id: o.device.id,
      meter_id: o.device.meterId,
      subscription_id: o.subscription ? idOf(o.subscription) : null,
      started_at: startedAt,
      cleared_at: o.clearedAt ?? null,
      acknowledged_at: o.acknowledgedBy ? new Date(startedAt.getTime() + 60_000) : null,
      acknowledged_by: o.acknowledgedBy ? idOf(o.acknowledgedBy) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

// ─── Integrations and uplinks ───────────────────────────────────────────────────

export interface Integration {
  id: string;
  tenantId: string;
  secret: string;
}

/** A network-server integration of `tenant` with its one-time secret, as the API would create it. */
export async function makeIntegration(
  t: TestApp,
  o: { tenant: Tenant | string; kind?: 'TTN' | 'CHIRPSTACK' | 'SIGFOX' | 'GENERIC'; name?: string; externalId?: string },
): Promise<Integration> {
  const tenantId = idOf(o.tenant);
  const secret = randomBytes(24).toString('base64url');
  const { id } = await t.kysely
    .insertInto('integration')
    .values({
      tenant_id: tenantId,
      kind: o.kind ?? 'TTN',
      name: o.name ?? `Integration ${seq()}`,
      external_id: o.externalId ?? null,
      secret_hash: createHash('sha256').update(secret).digest('hex'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, tenantId, secret };
}

/** The Things Stack's webhook body for one frame of `d` carrying `indexM3`. */
export function ttnUplink(
  d: { eui: string; key: DeviceProfileKey },
  frame: { indexM3: number; fCnt: number; at: Date; batteryPct?: number },
) {
  const up = encodeUplink(d.key, { indexM3: frame.indexM3, batteryPct: frame.batteryPct ?? 70 });
  return {
    end_device_ids: { dev_eui: d.eui },
    received_at: frame.at.toISOString(),
    uplink_message: { f_port: up.fPort, f_cnt: frame.fCnt, frm_payload: up.payload.toString('base64') },
  };
}

// ─── Billing ────────────────────────────────────────────────────────────────────

export interface Invoice {
  id: string;
  tenantId: string;
  subscriptionId: string;
  customerId: string;
  number: string | null;
  grossKurus: number;
}

/**
 * An invoice of `subscription` for [periodStart, periodEnd) with one FIXED line of `grossKurus`
 * (VAT 20 % inside it, rounded half-up). `issued` (default true) issues it through the database's
 * numbering trigger with `issueDate`/`dueDate` and books its INVOICE ledger entry, as issuing does.
 */
export async function makeInvoice(
  t: TestApp,
  o: {
    subscription: Subscription;
    periodStart?: string;
    periodEnd?: string;
    grossKurus?: number;
    issued?: boolean;
    issueDate?: string;
    dueDate?: string;
    consumptionM3?: number;
  },
): Promise<Invoice> {
  const gross = o.grossKurus ?? 12_000;
  const net = Math.round((gross * 100) / 120);
  const vat = gross - net;
  const periodStart = o.periodStart ?? '2026-10-01';
  const periodEnd = o.periodEnd ?? '2026-11-01';
  const row = await t.kysely
    .insertInto('invoice')
    .values({
      tenant_id: o.subscription.tenantId,
      subscription_id: o.subscription.id,
      customer_id: o.subscription.customerId,
      period_start: periodStart,
      period_end: periodEnd,
      consumption_m3: (o.consumptionM3 ?? 10).toFixed(3),
      net_kurus: String(net),
      vat_kurus: String(vat),
      gross_kurus: String(gross),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.kysely
    .insertInto('invoice_line')
    .values({
      invoice_id: row.id,
      tenant_id: o.subscription.tenantId,
      ordinal: 1,
      component: 'FIXED',
      description: 'Sabit ücret',
      net_kurus: String(net),
      vat_rate_bp: 2000,
      vat_kurus: String(vat),
      gross_kurus: String(gross),
    })
    .execute();
  let number: string | null = null;
  if (o.issued ?? true) {
    const issued = await t.kysely
      .updateTable('invoice')
      .set({ status: 'ISSUED', issue_date: o.issueDate ?? periodEnd, due_date: o.dueDate ?? periodEnd, issued_at: new Date() })
      .where('id', '=', row.id)
      .returning('number')
      .executeTakeFirstOrThrow();
    number = issued.number;
    await t.kysely
      .insertInto('ledger_entry')
      .values({
        tenant_id: o.subscription.tenantId,
        customer_id: o.subscription.customerId,
        subscription_id: o.subscription.id,
        kind: 'INVOICE',
        amount_kurus: String(gross),
        invoice_id: row.id,
        description: `Fatura ${number}`,
      })
      .execute();
  }
  return {
    id: row.id,
    tenantId: o.subscription.tenantId,
    subscriptionId: o.subscription.id,
    customerId: o.subscription.customerId,
    number,
    grossKurus: gross,
  };
}

// ─── Dunning (issue 18) ───────────────────────────────────────────────────────────

/** A tariff of `tenant` with one version in force since 2020 whose monthly late-payment interest is `latePaymentInterestBp`. */
export async function makeDunningTariffVersion(t: TestApp, o: { tenant: Tenant | string; latePaymentInterestBp: number }): Promise<string> {
  const tenantId = idOf(o.tenant);
  const tariff = await t.kysely
    .insertInto('tariff')
    .values({ tenant_id: tenantId, code: `DUN${seq()}`, name: 'Dunning tariff', subscription_type: 'INDIVIDUAL' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const version = await t.kysely
    .insertInto('tariff_version')
    .values({ tariff_id: tariff.id, tenant_id: tenantId, effective_from: '2020-01-01', late_payment_interest_bp: o.latePaymentInterestBp })
    .returning('id')
    .executeTakeFirstOrThrow();
  return version.id;
}

/**
 * An issued invoice (as `makeInvoice`) whose lines name `tariffVersionId`, so dunning finds its
 * late-payment rate: makeInvoice's line plus a zero line of the version, added while it is a draft.
 */
export async function makeDunningInvoice(
  t: TestApp,
  o: Omit<Parameters<typeof makeInvoice>[1], 'issued'> & { tariffVersionId?: string },
): Promise<Invoice> {
  const draft = await makeInvoice(t, { ...o, issued: false });
  if (o.tariffVersionId)
    await t.kysely
      .insertInto('invoice_line')
      .values({
        invoice_id: draft.id,
        tenant_id: draft.tenantId,
        ordinal: 2,
        component: 'WATER',
        description: 'Su',
        tariff_version_id: o.tariffVersionId,
        segment_start: o.periodStart ?? '2026-10-01',
        segment_end: o.periodEnd ?? '2026-11-01',
        quantity_m3: '0',
        net_kurus: '0',
        vat_rate_bp: 0,
        vat_kurus: '0',
        gross_kurus: '0',
      })
      .execute();
  const periodEnd = o.periodEnd ?? '2026-11-01';
  const issued = await t.kysely
    .updateTable('invoice')
    .set({ status: 'ISSUED', issue_date: o.issueDate ?? periodEnd, due_date: o.dueDate ?? periodEnd, issued_at: new Date() })
    .where('id', '=', draft.id)
    .returning('number')
    .executeTakeFirstOrThrow();
  await t.kysely
    .insertInto('ledger_entry')
    .values({
      tenant_id: draft.tenantId,
      customer_id: draft.customerId,
      subscription_id: draft.subscriptionId,
      kind: 'INVOICE',
      amount_kurus: String(draft.grossKurus),
      invoice_id: draft.id,
      description: `Fatura ${issued.number}`,
    })
    .execute();
  return { ...draft, number: issued.number };
}

/** A payment of the invoice's customer allocated to it in full, received and allocated at `at` (as the payments module would). */
export async function makeDunningPayment(t: TestApp, o: { invoice: Invoice; amountKurus: number; at: Date }): Promise<string> {
  const receipt = `R${seq()}`;
  const payment = await t.kysely
    .insertInto('payment')
    .values({
      tenant_id: o.invoice.tenantId,
      customer_id: o.invoice.customerId,
      subscription_id: o.invoice.subscriptionId,
      method: 'CASH_DESK',
      amount_kurus: String(o.amountKurus),
      received_at: o.at,
      receipt_no: receipt,
      created_at: o.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.kysely
    .insertInto('payment_allocation')
    .values({
      tenant_id: o.invoice.tenantId,
      payment_id: payment.id,
      invoice_id: o.invoice.id,
      amount_kurus: String(o.amountKurus),
      created_at: o.at,
    })
    .execute();
  await t.kysely
    .insertInto('ledger_entry')
    .values({
      tenant_id: o.invoice.tenantId,
      customer_id: o.invoice.customerId,
      subscription_id: o.invoice.subscriptionId,
      kind: 'PAYMENT',
      amount_kurus: String(-o.amountKurus),
      payment_id: payment.id,
      description: `Ödeme ${receipt}`,
      booked_at: o.at,
    })
    .execute();
  return payment.id;
}

/**
 * A payment of a customer (cash desk unless told), with its PAYMENT ledger entry and, when given, its
 * allocations to invoices (the caller keeps them within the invoices' outstanding amounts; what is not
 * allocated is the customer's credit). For the real allocation rule, post to /api/payments instead.
 */
export async function makePayment(
  t: TestApp,
  o: {
    subscription: Subscription;
    amountKurus: number;
    receivedAt?: Date;
    method?: 'CASH_DESK' | 'BANK_TRANSFER' | 'PROVIDER';
    allocations?: { invoice: Invoice; amountKurus: number }[];
  },
): Promise<{ id: string; receiptNo: string }> {
  const receiptNo = `F-${RUN}-${seq()}`;
  const receivedAt = o.receivedAt ?? new Date();
  const payment = await t.kysely
    .insertInto('payment')
    .values({
      tenant_id: o.subscription.tenantId,
      customer_id: o.subscription.customerId,
      subscription_id: o.subscription.id,
      method: o.method ?? 'CASH_DESK',
      amount_kurus: String(o.amountKurus),
      received_at: receivedAt,
      receipt_no: receiptNo,
      external_id: `receipt:${receiptNo}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.kysely
    .insertInto('ledger_entry')
    .values({
      tenant_id: o.subscription.tenantId,
      customer_id: o.subscription.customerId,
      subscription_id: o.subscription.id,
      kind: 'PAYMENT',
      amount_kurus: String(-o.amountKurus),
      payment_id: payment.id,
      description: `Vezne tahsilatı, makbuz ${receiptNo}`,
      booked_at: receivedAt,
    })
    .execute();
  for (const a of o.allocations ?? [])
    await t.kysely
      .insertInto('payment_allocation')
      .values({ tenant_id: a.invoice.tenantId, payment_id: payment.id, invoice_id: a.invoice.id, amount_kurus: String(a.amountKurus) })
      .execute();
  return { id: payment.id, receiptNo };
}
