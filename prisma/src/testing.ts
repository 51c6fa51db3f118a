import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl } from './connection';
import { migrate } from './migrate';

/** Server the test databases live on: TEST_DATABASE_URL's server, else DATABASE_URL's. */
function serverUrl(): URL {
  return new URL(process.env.TEST_DATABASE_URL || databaseUrl());
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one test suite (`water_test_<label>_<random>`), migrated unless told not to.
 * Never the development database: every suite gets its own and drops it afterwards.
 */
export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `water_test_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = serverUrl();
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = serverUrl();
  url.pathname = `/${name}`;
  if (options.migrate !== false) await migrate(url.toString());
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
