import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../src/connection';

const CLI = resolve(__dirname, '../dist/cli/setup.js');
const TABLES = [
  'tenant',
  'app_user',
  'membership',
  'meter_profile',
  'device_profile',
  'customer',
  'subscription',
  'meter',
  'device',
  'reading',
  'alarm',
  'meter_daily_consumption',
];

/** `pnpm db:setup` as users run it: creates the database, migrates, seeds; a second run changes nothing. */
describe('db:setup', () => {
  const name = `water_test_setup_${randomBytes(4).toString('hex')}`;
  const server = new URL(process.env.TEST_DATABASE_URL || databaseUrl());
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  const admin = new URL(server.toString());
  admin.pathname = '/postgres';

  afterAll(async () => {
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });

  async function counts(): Promise<Record<string, number>> {
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = (await c.query(`SELECT count(*)::int AS n FROM "${t}"`)).rows[0].n;
    await c.end();
    return out;
  }

  it('creates a missing database, loads everything, and is a no-op the second time', () => {
    expect(existsSync(CLI), 'build @water/db first (pnpm install does)').toBe(true);
    const run = () =>
      execFileSync(process.execPath, [CLI], {
        env: { ...process.env, DATABASE_URL: url.toString(), SEED_READING_DAYS: '2' },
        encoding: 'utf8',
      });
    const first = run();
    expect(first).toMatch(/created database/);
    return counts().then(async (before) => {
      expect(before.tenant).toBe(3);
      expect(before.reading).toBe(150 * 2 * 24);
      const second = run();
      expect(second).toMatch(/0 applied/);
      expect(second).toMatch(/nothing changed/);
      expect(await counts()).toEqual(before);
    });
  });
});
