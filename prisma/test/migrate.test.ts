import { mkdtempSync, cpSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, MIGRATIONS_DIR, MigrationChecksumError } from '../src/migrate';
import { createTestDatabase, type TestDatabase } from '../src/testing';

describe('migration runner', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('migrate', { migrate: false });
  });
  afterAll(async () => db?.drop());

  it('applies every migration to an empty database, then a second run is a no-op', async () => {
    const all = loadMigrations().map((m) => m.name);
    const first = await migrate(db.url);
    expect(first.applied).toEqual(all);
    const second = await migrate(db.url);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(all);

    const c = new Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query('SELECT name FROM "_migration" ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(all);
    const ext = await c.query(`SELECT extname FROM pg_extension WHERE extname IN ('ltree', 'citext') ORDER BY 1`);
    expect(ext.rows.map((r) => r.extname)).toEqual(['citext', 'ltree']);
    await c.end();
  });

  it('fails loudly when an applied migration was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const first = loadMigrations(dir)[0];
    appendFileSync(join(dir, first.name, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(db.url, dir)).rejects.toBeInstanceOf(MigrationChecksumError);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(dir, '9999_broken'));
    writeFileSync(join(dir, '9999_broken', 'migration.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await expect(migrate(db.url, dir)).rejects.toThrow(/9999_broken failed/);
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const table = await c.query(`SELECT to_regclass('half_done') AS t`);
    const rec = await c.query(`SELECT 1 FROM "_migration" WHERE name = '9999_broken'`);
    await c.end();
    expect(table.rows[0].t).toBeNull();
    expect(rec.rowCount).toBe(0);
  });

  it('runs safely when two processes migrate at once', async () => {
    const other = await createTestDatabase('migrate_race', { migrate: false });
    try {
      const [a, b] = await Promise.all([migrate(other.url), migrate(other.url)]);
      expect(a.applied.length + b.applied.length).toBe(loadMigrations().length);
    } finally {
      await other.drop();
    }
  });
});
