/**
 * Loads the brief's seed ("Seed" section): tenants, users, definitions, profiles with decoders,
 * customers, subscriptions, meters, devices and 45 days of hourly readings, in one transaction.
 * Idempotent: a marker row in `_seed` makes a second run a no-op.
 */
import { performance } from 'node:perf_hooks';
import { Kysely, PostgresDialect } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import type { DB } from '../generated/kysely/types';
import { insertAlarms } from './alarms';
import { insertAssets, planAssets } from './assets';
import { HOUR_MS, type SeedContext } from './context';
import { insertCustomers, planCustomers } from './customers';
import { seedMessageScenarios } from './decoders';
import { seedDefinitions } from './definitions';
import { hashSeedPasswords, seedTenants, seedUsers } from './iam';
import { seedProfiles } from './profiles';
import { Random } from './random';
import { copyReadings, deriveFromReadings } from './readings';
import { planScenarios } from './scenarios';
import { seedTariffs } from './tariffs';

export { SEED_PASSWORD, SEED_USERS, TENANTS, type SeedUser } from './iam';
export {
  COMMUNICATION_TECHNOLOGIES,
  DEVICE_BRANDS,
  IP_RATINGS,
  METER_BRANDS,
  SUBSCRIPTION_GROUPS,
  type CommunicationTechnologyDefinition,
  type TechnologyFieldDefinition,
} from './definitions';
export {
  COMPATIBLE_DEVICE_BRANDS,
  DEVICE_PROFILE_TENANTS,
  DEVICE_PROFILES,
  METER_PROFILE_TENANTS,
  METER_PROFILES,
  type DeviceProfileKey,
} from './profiles';
export { EXAMPLE_TARIFFS } from './tariffs';
export { DECODERS_DIR, MESSAGE_SCENARIOS, loadDecoderSource } from './decoders';
export * from './payloads';

export interface SeedOptions {
  log?: (line: string) => void;
  /** End of the reading window (floored to the hour, UTC). Defaults to the current time. */
  now?: Date;
  /** Days of hourly readings per device; defaults to SEED_READING_DAYS or 45. */
  readingDays?: number;
  /** Readings per day; 24 (hourly) by default. */
  readingsPerDay?: number;
}

export interface SeedReport {
  skipped: boolean;
  elapsedMs: number;
  /** Rows inserted per table. */
  counts: Record<string, number>;
}

/** Name of this seed in the `_seed` marker table; a changed seed gets a new name. */
export const SEED_NAME = 'brief-v1';
/** Advisory lock held by the seed transaction, so two processes never seed at once. */
const SEED_LOCK_KEY = 727_100_002;
/** Fixed PRNG seed: every database gets the same customers, serials and identifiers. */
const RANDOM_SEED = 20_251_208;

/** Kysely bound to the one connection holding the seed transaction. */
function kyselyOn(client: PoolClient): Kysely<DB> {
  const connection = { query: client.query.bind(client), release: () => undefined };
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool: { connect: async () => connection, end: async () => undefined } }),
  });
}

/**
 * Reference data only: the brief's definition lists (meter and device brands, IP ratings,
 * subscription groups, communication technologies with their provisioning fields), which the
 * API validates against, without tenants, users, profiles or any demo asset. For an empty
 * database that tests (or an installation) fill themselves; `seed()` loads the same lists itself,
 * so the two are alternatives, not steps.
 */
export async function seedReference(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const ctx: SeedContext = {
      db: kyselyOn(client),
      client,
      rng: new Random(RANDOM_SEED),
      now: new Date(),
      readingDays: 1,
      readingsPerDay: 24,
      log: () => undefined,
      counts: {},
    };
    await seedDefinitions(ctx);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function seed(pool: Pool, options: SeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const readingDays = options.readingDays ?? Number(process.env.SEED_READING_DAYS ?? 45);
  const readingsPerDay = options.readingsPerDay ?? 24;
  if (!Number.isInteger(readingDays) || readingDays < 1) throw new Error(`readingDays must be a positive integer, got ${readingDays}`);
  if (!Number.isInteger(readingsPerDay) || readingsPerDay < 1 || 24 % readingsPerDay !== 0) {
    throw new Error(`readingsPerDay must divide 24, got ${readingsPerDay}`);
  }
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / HOUR_MS) * HOUR_MS);
  const elapsed = () => Math.round(performance.now() - started);

  const client = await pool.connect();
  const db = kyselyOn(client);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS "_seed" (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const marker = await client.query<{ applied_at: Date }>('SELECT applied_at FROM "_seed" WHERE name = $1', [SEED_NAME]);
    if (marker.rowCount) {
      await client.query('COMMIT');
      log(`seed ${SEED_NAME} already applied at ${marker.rows[0].applied_at.toISOString()}`);
      return { skipped: true, elapsedMs: elapsed(), counts: {} };
    }
    const tenants = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM tenant');
    if (tenants.rows[0].n > 0) {
      throw new Error('the database already holds tenants but no seed marker: the seed only loads an empty database');
    }
    // A lost seed is simply run again, so the commit need not wait for the WAL flush.
    await client.query('SET LOCAL synchronous_commit = off');

    const passwordHashes = hashSeedPasswords();
    passwordHashes.catch(() => undefined); // awaited in seedUsers; avoids an unhandled rejection if an earlier step fails

    const ctx: SeedContext = { db, client, rng: new Random(RANDOM_SEED), now, readingDays, readingsPerDay, log, counts: {} };
    const uavtTaken = new Set<string>();

    const defs = await seedDefinitions(ctx);
    const tenantIds = await seedTenants(ctx, uavtTaken);
    const profiles = await seedProfiles(ctx, defs, tenantIds);
    await seedMessageScenarios(ctx, defs, profiles);
    log(`seed: definitions, tenants and profiles (${elapsed()} ms)`);

    const customers = planCustomers(ctx, defs, tenantIds, uavtTaken);
    await insertCustomers(ctx, customers);
    const assets = planAssets(ctx, customers);
    const { series, alarms } = planScenarios(ctx, assets);
    await insertAssets(ctx, defs, profiles, assets);
    log(
      `seed: ${customers.rows.customers.length} customers, ${customers.subscriptions.length} subscriptions, ${assets.length} meters and devices (${elapsed()} ms)`,
    );

    const readings = await copyReadings(ctx, series);
    log(`seed: ${readings} readings over ${readingDays} days (${elapsed()} ms)`);
    await deriveFromReadings(ctx);
    log(`seed: daily consumption and latest device/meter state (${elapsed()} ms)`);

    const users = await seedUsers(ctx, tenantIds, passwordHashes);
    await insertAlarms(ctx, alarms, users);
    await seedTariffs(ctx, defs, tenantIds);

    await client.query('INSERT INTO "_seed" (name, applied_at) VALUES ($1, now())', [SEED_NAME]);
    await client.query('COMMIT');
    log(`seed: committed (${elapsed()} ms)`);
    return { skipped: false, elapsedMs: elapsed(), counts: ctx.counts };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
