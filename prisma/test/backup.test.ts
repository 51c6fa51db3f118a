import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  BackupError,
  checkDumpVersions,
  checkRestoreVersions,
  defaultBackupFile,
  majorVersion,
  referencedRoles,
  restoreDatabase,
  verifyMigrations,
  type BackupResult,
  type RestoreResult,
} from '../src/backup';
import { createPool } from '../src/connection';
import { loadMigrations } from '../src/migrate';
import { seed } from '../src/seed';
import { createTestDatabase, type TestDatabase } from '../src/testing';

async function query<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Every table of the public schema with its row count and an md5 of all its rows in a fixed order. */
async function fingerprint(url: string): Promise<Record<string, { rows: number; md5: string | null }>> {
  const tables = await query<{ t: string }>(
    url,
    `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const out: Record<string, { rows: number; md5: string | null }> = {};
  for (const { t } of tables) {
    const [r] = await query<{ n: string; md5: string | null }>(
      url,
      `SELECT count(*) AS n, md5(string_agg(x::text, E'\\n' ORDER BY x::text)) AS md5 FROM "${t}" x`,
    );
    out[t] = { rows: Number(r.n), md5: r.md5 };
  }
  return out;
}

/** A name for a database that does not exist yet, dropped in afterAll. */
function freshDatabaseUrl(of: string, label: string): { url: string; name: string } {
  const name = `water_test_${label}_${randomBytes(4).toString('hex')}`;
  const u = new URL(of);
  u.pathname = `/${name}`;
  return { url: u.toString(), name };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const u = new URL(serverUrl);
  u.pathname = '/postgres';
  await query(u.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

describe('db:backup / db:restore round trip (pg_dump custom format, real PostgreSQL)', () => {
  let source: TestDatabase;
  let dir: string;
  let target: { url: string; name: string };
  let backup: BackupResult;
  let restored: RestoreResult;
  let before: Record<string, { rows: number; md5: string | null }>;

  beforeAll(async () => {
    source = await createTestDatabase('backup_src');
    const pool = createPool(source.url, { max: 2 });
    try {
      await seed(pool, { readingDays: 1 });
    } finally {
      await pool.end();
    }
    dir = mkdtempSync(join(tmpdir(), 'water-backup-'));
    target = freshDatabaseUrl(source.url, 'backup_dst');
    before = await fingerprint(source.url);
    backup = await backupDatabase(source.url, join(dir, 'nested', 'water.dump'));
    restored = await restoreDatabase(backup.file, target.url);
  });

  afterAll(async () => {
    if (target) await dropDatabase(target.url, target.name);
    await source?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a custom-format archive and a manifest of versions and migrations', () => {
    expect(backup.bytes).toBeGreaterThan(10_000);
    expect(readFileSync(backup.file).subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(existsSync(`${backup.file}.partial`)).toBe(false);
    const manifest = JSON.parse(readFileSync(`${backup.file}.json`, 'utf8'));
    expect(manifest.migrations).toEqual(loadMigrations().map((m) => m.name));
    expect(manifest.extensions).toHaveProperty('ltree');
    expect(manifest.bytes).toBe(backup.bytes);
    expect(defaultBackupFile(new Date('2026-12-04T23:05:12.345Z'))).toBe(join('backups', 'water-20261204T230512Z.dump'));
  });

  it('restores into a database it creates, with every table identical, row for row', async () => {
    expect(restored.created).toBe(true);
    expect(restored.replaced).toBe(false);
    const after = await fingerprint(target.url);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    // The seed filled the key tables: a round trip of empty tables would prove little.
    for (const t of [
      'tenant',
      'app_user',
      'customer',
      'subscription',
      'meter',
      'device',
      'reading',
      'meter_daily_consumption',
      'alarm',
      '_migration',
    ]) {
      expect(before[t]?.rows, t).toBeGreaterThan(0);
    }
    expect(before.reading.rows).toBeGreaterThanOrEqual(150 * 24);
    expect(after).toEqual(before);
  });

  it("checks the restored _migration rows against the repository's migrations", async () => {
    expect(restored.migrations).toMatchObject({ ok: true, pending: [], changed: [], unknown: [] });
    expect(restored.migrations.matching).toEqual(loadMigrations().map((m) => m.name));
    // A database whose recorded checksum differs from the file, or that knows a migration the code does not, fails.
    const tampered = await createTestDatabase('backup_chk');
    try {
      await query(tampered.url, `UPDATE "_migration" SET checksum = repeat('0', 64) WHERE name = '0001_init'`);
      await query(tampered.url, `INSERT INTO "_migration" (name, checksum) VALUES ('9999_from_the_future', repeat('1', 64))`);
      await query(tampered.url, `DELETE FROM "_migration" WHERE name = (SELECT max(name) FROM "_migration" WHERE name < '9999')`);
      const check = await verifyMigrations(tampered.url);
      expect(check.ok).toBe(false);
      expect(check.changed).toEqual(['0001_init']);
      expect(check.unknown).toEqual(['9999_from_the_future']);
      expect(check.pending).toEqual([loadMigrations().at(-1)!.name]);
    } finally {
      await tampered.drop();
    }
  });

  it('refuses to restore over a database that holds tables unless forced, then replaces it', async () => {
    await query(target.url, `DELETE FROM "reading" WHERE ctid IN (SELECT ctid FROM "reading" LIMIT 10)`);
    await expect(restoreDatabase(backup.file, target.url)).rejects.toThrow(/is not empty .*--force/);
    expect((await fingerprint(target.url)).reading.rows).toBe(before.reading.rows - 10);

    const again = await restoreDatabase(backup.file, target.url, { force: true });
    expect(again).toMatchObject({ created: false, replaced: true });
    expect(again.migrations.ok).toBe(true);
    expect(await fingerprint(target.url)).toEqual(before);
  });

  it('the CLI (pnpm db:restore) exits non-zero with the reason on a non-empty target', () => {
    const tsx = resolve(__dirname, '../../node_modules/.bin/tsx');
    const res = spawnSync(tsx, ['src/cli/restore.ts', backup.file, target.url], {
      cwd: resolve(__dirname, '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/db:restore: database "water_test_backup_dst_[0-9a-f]+" is not empty .* pass --force/);
  });

  it('refuses to overwrite an existing backup file and a missing backup file', async () => {
    await expect(backupDatabase(source.url, backup.file)).rejects.toThrow(/already exists/);
    await expect(restoreDatabase(join(dir, 'missing.dump'), target.url)).rejects.toThrow(/backup file not found/);
  });
});

describe('roles the backup grants privileges to', () => {
  it('are checked on the target server before anything is created or restored', async () => {
    const db = await createTestDatabase('backup_role', { migrate: false });
    const role = `water_test_role_${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'water-backup-role-'));
    const target = freshDatabaseUrl(db.url, 'backup_role_dst');
    try {
      await query(db.url, `CREATE TABLE thing (id int PRIMARY KEY); INSERT INTO thing VALUES (1), (2)`);
      await query(db.url, `CREATE ROLE "${role}" NOLOGIN; GRANT SELECT ON thing TO "${role}"`);
      const { file } = await backupDatabase(db.url, join(dir, 'role.dump'));
      expect(referencedRoles(file)).toEqual([role]);
      // While the role exists the restore goes through, grant included.
      const ok = await restoreDatabase(file, target.url, { migrationsDir: dir }).catch((e: Error) => e);
      // No _migration table in this small database: the restore itself worked, the migration check says what it is not.
      expect(ok).toBeInstanceOf(BackupError);
      expect((ok as Error).message).toMatch(/no "_migration" table/);
      expect(
        await query(target.url, `SELECT has_table_privilege('${role}', 'thing', 'SELECT') AS p, (SELECT count(*) FROM thing)::int AS n`),
      ).toEqual([{ p: true, n: 2 }]);
      await dropDatabase(target.url, target.name);

      await query(db.url, `REVOKE ALL ON thing FROM "${role}"; DROP ROLE "${role}"`);
      await expect(restoreDatabase(file, target.url)).rejects.toThrow(
        new RegExp(`roles the target server does not have: ${role}\\. .*CREATE ROLE water_api`),
      );
      const created = await query(
        freshDatabaseUrl(db.url, 'x').url.replace(/\/[^/]*$/, '/postgres'),
        `SELECT count(*)::int AS n FROM pg_database WHERE datname = '${target.name}'`,
      );
      expect(created).toEqual([{ n: 0 }]);
    } finally {
      await dropDatabase(target.url, target.name);
      await db.drop();
      await query(db.url.replace(/\/[^/]*$/, '/postgres'), `DROP ROLE IF EXISTS "${role}"`);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tools and versions', () => {
  it('says which tool is missing and how to get it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'water-nobin-'));
    const saved = process.env.PG_BIN;
    process.env.PG_BIN = empty;
    try {
      await expect(backupDatabase('postgresql://postgres@127.0.0.1:5432/postgres', join(empty, 'x.dump'))).rejects.toThrow(
        new RegExp(`pg_dump not found in PG_BIN=${empty}: install the PostgreSQL client tools`),
      );
      await expect(restoreDatabase(__filename, 'postgresql://postgres@127.0.0.1:5432/postgres')).rejects.toThrow(/pg_restore not found/);
    } finally {
      if (saved === undefined) delete process.env.PG_BIN;
      else process.env.PG_BIN = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses version combinations pg_dump and pg_restore cannot handle, before running them', () => {
    expect(majorVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
    expect(majorVersion('16.4')).toBe(16);
    expect(() => checkDumpVersions(15, 16)).toThrow(BackupError);
    expect(() => checkDumpVersions(15, 16)).toThrow(/cannot dump a PostgreSQL 16 server.*postgresql-client-16/);
    expect(() => checkDumpVersions(16, 15)).not.toThrow();
    expect(() => checkRestoreVersions({ restoreMajor: 15, dumpedByMajor: 16, dumpedFromMajor: 15, targetMajor: 16 })).toThrow(
      /pg_restore 15 cannot read an archive written by pg_dump 16/,
    );
    expect(() => checkRestoreVersions({ restoreMajor: 16, dumpedByMajor: 16, dumpedFromMajor: 16, targetMajor: 15 })).toThrow(
      /target server is PostgreSQL 15/,
    );
    expect(() => checkRestoreVersions({ restoreMajor: 16, dumpedByMajor: 15, dumpedFromMajor: 15, targetMajor: 16 })).not.toThrow();
  });

  it('reports a file that is not an archive', async () => {
    const bad = await restoreDatabase(__filename, 'postgresql://postgres@127.0.0.1:5432/postgres').catch((e: Error) => e);
    expect(bad).toBeInstanceOf(BackupError);
    expect((bad as Error).message).toMatch(/not a readable pg_dump custom-format archive/);
  });
});
