import type { Insertable, Kysely } from 'kysely';
import type { PoolClient } from 'pg';
import type { DB } from '../generated/kysely/types';
import type { Random } from './random';

/** What every seed step gets: one connection inside the seed transaction, typed over Kysely. */
export interface SeedContext {
  db: Kysely<DB>;
  client: PoolClient;
  rng: Random;
  /** Last reading time: `now` floored to the hour (UTC). */
  now: Date;
  readingDays: number;
  readingsPerDay: number;
  log: (line: string) => void;
  counts: Record<string, number>;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Europe/Istanbul has been UTC+3 all year since 2016; the seed's hourly curves use this offset. */
export const ISTANBUL_OFFSET_MS = 3 * HOUR_MS;

export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** Inserts rows in chunks small enough for PostgreSQL's 65,535 bind parameters. */
export async function insertChunked<T extends keyof DB>(
  ctx: SeedContext,
  table: T,
  rows: ReadonlyArray<Insertable<DB[T]>>,
  countAs: string = table,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]).length;
  const size = Math.max(1, Math.floor(60_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    // `rows` is checked against the table's Insertable shape above; Kysely cannot follow a generic table name.
    await ctx.db
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  }
  ctx.counts[countAs] = (ctx.counts[countAs] ?? 0) + rows.length;
}
