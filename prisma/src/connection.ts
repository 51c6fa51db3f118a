import { Pool, type PoolConfig } from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { DB } from './generated/kysely/types';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/water';

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export function createPool(connectionString = databaseUrl(), options: Omit<PoolConfig, 'connectionString'> = {}): Pool {
  return new Pool({ connectionString, max: 10, ...options });
}

/** Kysely over an existing pool: used for time-series queries and bulk writes. */
export function createKysely(pool: Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
