export * from './connection';
export * from './prisma';
export * from './migrate';
export { insertMeterDaysFromReadings } from './rollups';
export type { DB } from './generated/kysely/types';
export * as Tables from './generated/kysely/types';
export * from './generated/kysely/enums';
export { Prisma, PrismaClient } from './generated/prisma/client';
export { seed, seedReference, SEED_PASSWORD, SEED_USERS, MESSAGE_SCENARIOS, loadDecoderSource } from './seed';
export type { SeedOptions, SeedReport } from './seed';
export * from './testing';
export { encodeUplink, encodeIndexFrame, encodeAlarmFrame, NO_ALARMS } from './seed/payloads';
export type { MeterFrameValues, AlarmFlags, EncodedUplink } from './seed/payloads';
export {
  COMPATIBLE_DEVICE_BRANDS,
  DEVICE_PROFILE_TENANTS,
  DEVICE_PROFILES,
  DEVICE_PROFILE_KEY_BY_MODEL,
  METER_PROFILE_TENANTS,
  METER_PROFILES,
} from './seed/profiles';
export type { DeviceProfileKey, TenantKey } from './seed/profiles';
