import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { ensureDatabase, loadMigrations, MIGRATIONS_DIR } from './migrate';

/**
 * Logical backups of a water database: `pg_dump --format=custom` and `pg_restore`, with TimescaleDB's
 * pre/post restore steps when the dump holds the extension, and a check that the restored database's
 * `_migration` rows are the repository's migrations. Used by `pnpm db:backup` / `pnpm db:restore`.
 */

type Log = (line: string) => void;

export type PgTool = 'pg_dump' | 'pg_restore';

export class BackupError extends Error {}

/** Major version of a PostgreSQL tool or server version string ("pg_dump (PostgreSQL) 15.20 (Debian …)" → 15). */
export function majorVersion(text: string): number {
  const m = /(\d+)(?:\.(\d+))?/.exec(text.replace(/^[^\d]*/, ''));
  if (!m) throw new BackupError(`cannot read a PostgreSQL version from "${text.trim()}"`);
  const major = Number(m[1]);
  // Before PostgreSQL 10 the major version had two parts (9.6); every server we support is ≥ 10.
  return major;
}

/** Where pg_dump/pg_restore are looked for: PG_BIN if set, else PATH. */
export function findTool(tool: PgTool): { path: string; version: string; major: number } {
  const bin = process.env.PG_BIN;
  const path = bin ? join(bin, tool) : tool;
  const res = spawnSync(path, ['--version'], {
    encoding: 'utf8',
    env: bin ? { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` } : process.env,
  });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES') {
      throw new BackupError(
        `${tool} not found ${bin ? `in PG_BIN=${bin}` : 'on PATH'}: install the PostgreSQL client tools of your server's major version or newer ` +
          `(Debian/Ubuntu: apt-get install postgresql-client-16; or the PGDG packages) or set PG_BIN to the folder that holds ${tool}`,
      );
    }
    throw new BackupError(`${tool} --version failed: ${res.error.message}`);
  }
  if (res.status !== 0) throw new BackupError(`${tool} --version failed: ${(res.stderr || res.stdout).trim()}`);
  const version = res.stdout.trim();
  return { path, version, major: majorVersion(version) };
}

/** pg_dump cannot dump a server of a newer major version than itself: say so before it starts. */
export function checkDumpVersions(toolMajor: number, serverMajor: number, toolVersion = `pg_dump ${toolMajor}`): void {
  if (toolMajor < serverMajor) {
    throw new BackupError(
      `version mismatch: ${toolVersion} cannot dump a PostgreSQL ${serverMajor} server (pg_dump must be of the server's major version or newer); ` +
        `install postgresql-client-${serverMajor} or set PG_BIN to its bin folder (e.g. /usr/lib/postgresql/${serverMajor}/bin), ` +
        `or run pg_dump inside the database container (see README, "Operating it")`,
    );
  }
}

/** pg_restore must be at least as new as the pg_dump that wrote the archive; the target server at least as new as the source. */
export function checkRestoreVersions(info: {
  restoreMajor: number;
  dumpedByMajor: number;
  dumpedFromMajor: number;
  targetMajor: number;
}): void {
  if (info.restoreMajor < info.dumpedByMajor) {
    throw new BackupError(
      `version mismatch: pg_restore ${info.restoreMajor} cannot read an archive written by pg_dump ${info.dumpedByMajor}; ` +
        `install postgresql-client-${info.dumpedByMajor} (or newer) or set PG_BIN to its bin folder`,
    );
  }
  if (info.targetMajor < info.dumpedFromMajor) {
    throw new BackupError(
      `version mismatch: the backup comes from PostgreSQL ${info.dumpedFromMajor} and the target server is PostgreSQL ${info.targetMajor}; ` +
        'restore into a server of the same major version or newer',
    );
  }
}

/**
 * libpq arguments for a database URL: the password goes through PGPASSWORD (not the command line,
 * which `ps` shows) and Prisma-only query parameters (schema, connection_limit, …) are dropped.
 */
export function libpqTarget(databaseUrl: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = {};
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  for (const p of [
    'schema',
    'connection_limit',
    'pool_timeout',
    'pgbouncer',
    'statement_cache_size',
    'socket_timeout',
    'connect_timeout_ms',
  ])
    url.searchParams.delete(p);
  return { dbname: url.toString(), env };
}

function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

async function withClient<T>(connectionString: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Runs a tool, passing its stderr (warnings) to `log` line by line; rejects with its last lines on failure. */
function run(tool: string, path: string, args: string[], env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(path, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        log(line);
      }
    });
    child.on('error', (err) => reject(new BackupError(`${tool} could not start: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (partial) {
        lines.push(partial);
        log(partial);
      }
      if (code === 0) resolvePromise();
      else reject(new BackupError(`${tool} failed (${signal ?? `exit ${code}`}): ${lines.slice(-5).join(' | ') || 'no message'}`));
    });
  });
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

/** `water-20261204T230512Z.dump`: UTC, sortable. */
export function defaultBackupFile(now = new Date(), dir = 'backups'): string {
  return join(
    dir,
    `water-${now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z')}.dump`,
  );
}

/** What `<dump>.json` next to each backup records, read back by restore (TimescaleDB's version must match). */
export interface BackupManifest {
  createdAt: string;
  database: string;
  serverVersion: string;
  pgDumpVersion: string;
  extensions: Record<string, string>;
  migrations: string[];
  bytes: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  manifest: BackupManifest;
}

export async function backupDatabase(databaseUrl: string, file: string, options: { log?: Log } = {}): Promise<BackupResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const target = resolve(file);
  if (existsSync(target)) throw new BackupError(`${target} already exists: choose another file name`);
  const pgDump = findTool('pg_dump');
  const info = await withClient(databaseUrl, async (c) => {
    const server = (
      await c.query<{ v: string; n: string }>(`SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n`)
    ).rows[0];
    const ext = (await c.query<{ extname: string; extversion: string }>('SELECT extname, extversion FROM pg_extension ORDER BY extname'))
      .rows;
    const migrated = await c.query<{ t: string | null }>(`SELECT to_regclass('public."_migration"')::text AS t`);
    const migrations = migrated.rows[0].t
      ? (await c.query<{ name: string }>('SELECT name FROM "_migration" ORDER BY name')).rows.map((r) => r.name)
      : [];
    return {
      serverVersion: server.v,
      serverMajor: Math.floor(Number(server.n) / 10000),
      extensions: Object.fromEntries(ext.map((e) => [e.extname, e.extversion])),
      migrations,
    };
  });
  checkDumpVersions(pgDump.major, info.serverMajor, pgDump.version);
  if (info.extensions.timescaledb) {
    log(
      `TimescaleDB ${info.extensions.timescaledb}: the restore needs this same TimescaleDB version on the target (recorded in the .json next to the dump)`,
    );
  }
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  const { dbname, env } = libpqTarget(databaseUrl);
  try {
    await run('pg_dump', pgDump.path, ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${dbname}`], env, (l) =>
      log(`pg_dump: ${l}`),
    );
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, target);
  const bytes = statSync(target).size;
  const manifest: BackupManifest = {
    createdAt: new Date(started).toISOString(),
    database: databaseName(databaseUrl),
    serverVersion: info.serverVersion,
    pgDumpVersion: pgDump.version,
    extensions: info.extensions,
    migrations: info.migrations,
    bytes,
  };
  writeFileSync(`${target}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  return { file: target, bytes, ms: Date.now() - started, manifest };
}

export interface MigrationCheck {
  ok: boolean;
  /** Recorded with the repository's checksum. */
  matching: string[];
  /** In the repository, not in the database: `pnpm db:migrate` applies them. */
  pending: string[];
  /** Recorded with another checksum than the repository's file. */
  changed: string[];
  /** Recorded, but not in the repository (the backup is newer than this code). */
  unknown: string[];
}

/** Compares a database's `_migration` rows with the repository's migrations. */
export async function verifyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrationCheck> {
  const repo = new Map(loadMigrations(dir).map((m) => [m.name, m.checksum]));
  const rows = await withClient(databaseUrl, async (c) => {
    const t = await c.query<{ t: string | null }>(`SELECT to_regclass('public."_migration"')::text AS t`);
    if (!t.rows[0].t) throw new BackupError('the restored database has no "_migration" table: this is not a backup of a water database');
    return (await c.query<{ name: string; checksum: string }>('SELECT name, checksum FROM "_migration" ORDER BY name')).rows;
  });
  const check: MigrationCheck = { ok: false, matching: [], pending: [], changed: [], unknown: [] };
  const recorded = new Set<string>();
  for (const r of rows) {
    recorded.add(r.name);
    const sum = repo.get(r.name);
    if (sum === undefined) check.unknown.push(r.name);
    else if (sum !== r.checksum.trim()) check.changed.push(r.name);
    else check.matching.push(r.name);
  }
  for (const name of repo.keys()) if (!recorded.has(name)) check.pending.push(name);
  check.ok = check.changed.length === 0 && check.unknown.length === 0;
  return check;
}

/** Relations and types of the database's own (not extensions' nor the system's). */
async function userObjects(c: Client): Promise<number> {
  const { rows } = await c.query<{ n: string }>(`
    SELECT count(*) AS n FROM (
      SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT IN ('timescaledb_information', 'timescaledb_experimental')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ) o`);
  return Number(rows[0].n);
}

/** Archive header fields of a custom-format dump (`pg_restore --list`). */
export async function readArchive(
  file: string,
  pgRestore = findTool('pg_restore'),
): Promise<{ dumpedFromMajor: number; dumpedByMajor: number; hasTimescale: boolean }> {
  const res = spawnSync(pgRestore.path, ['--list', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.error) throw new BackupError(`pg_restore could not start: ${res.error.message}`);
  if (res.status !== 0) {
    const msg = (res.stderr || '').trim();
    if (/unsupported version/.test(msg)) {
      throw new BackupError(
        `version mismatch: ${pgRestore.version} cannot read ${file} (${msg}); use the pg_restore of the pg_dump that wrote it, or newer`,
      );
    }
    throw new BackupError(`${file} is not a readable pg_dump custom-format archive: ${msg}`);
  }
  const from = /Dumped from database version:\s*(\S+)/.exec(res.stdout);
  const by = /Dumped by pg_dump version:\s*(\S+)/.exec(res.stdout);
  if (!from || !by) throw new BackupError(`${file}: pg_restore --list shows no version header`);
  return {
    dumpedFromMajor: majorVersion(from[1]),
    dumpedByMajor: majorVersion(by[1]),
    hasTimescale: /\bEXTENSION\s+-\s+timescaledb\b/.test(res.stdout),
  };
}

/**
 * Roles the archive's privileges name (GRANT … TO role, ALTER DEFAULT PRIVILEGES … TO role). pg_dump
 * copies a database, not the cluster's roles: a target server without them would stop pg_restore
 * half-way (--exit-on-error), so they are checked first. Owners are not needed (--no-owner).
 */
export function referencedRoles(file: string, pgRestore = findTool('pg_restore')): string[] {
  const res = spawnSync(pgRestore.path, ['--schema-only', '--no-owner', '--file=-', file], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (res.error || res.status !== 0)
    throw new BackupError(`pg_restore could not read the privileges of ${file}: ${res.error?.message ?? res.stderr.trim()}`);
  const roles = new Set<string>();
  for (const line of res.stdout.split('\n')) {
    if (!/^(GRANT|REVOKE|ALTER DEFAULT PRIVILEGES)\b/.test(line)) continue;
    for (const m of line.matchAll(/\b(?:TO|FROM)\s+((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*,\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))*)/g)) {
      for (const raw of m[1].split(/\s*,\s*/)) {
        const name = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
        if (name !== 'public' || raw.startsWith('"')) roles.add(name);
      }
    }
  }
  return [...roles].sort();
}

export interface RestoreResult {
  database: string;
  created: boolean;
  replaced: boolean;
  timescale: boolean;
  ms: number;
  migrations: MigrationCheck;
}

/**
 * Restores a custom-format dump into `targetUrl`: creates the database if missing, refuses a database
 * that holds tables unless `force` (then drops and re-creates it), runs `pg_restore --no-owner
 * --exit-on-error` (wrapped in timescaledb_pre_restore()/post_restore() when the dump holds TimescaleDB),
 * then compares `_migration` with the repository's migrations.
 */
export async function restoreDatabase(
  file: string,
  targetUrl: string,
  options: { force?: boolean; log?: Log; migrationsDir?: string } = {},
): Promise<RestoreResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const source = resolve(file);
  if (!existsSync(source)) throw new BackupError(`backup file not found: ${source}`);
  const pgRestore = findTool('pg_restore');
  const archive = await readArchive(source, pgRestore);
  const name = databaseName(targetUrl);

  const roles = referencedRoles(source, pgRestore);
  if (roles.length) {
    const server = new URL(targetUrl);
    server.pathname = '/postgres';
    const existing = await withClient(server.toString(), async (c) =>
      (await c.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [roles])).rows.map((r) => r.rolname),
    );
    const missing = roles.filter((r) => !existing.includes(r));
    if (missing.length) {
      throw new BackupError(
        `the backup grants privileges to roles the target server does not have: ${missing.join(', ')}. pg_dump copies a database, not the server's roles: ` +
          `create them first (for the API's role: CREATE ROLE water_api NOLOGIN NOBYPASSRLS; GRANT water_api TO <the user DATABASE_URL connects as>), ` +
          'or copy them with pg_dumpall --roles-only from the source server',
      );
    }
  }

  const created = await ensureDatabase(targetUrl, log);
  let replaced = false;
  if (!created) {
    const objects = await withClient(targetUrl, userObjects);
    if (objects > 0) {
      if (!options.force) {
        throw new BackupError(
          `database "${name}" is not empty (${objects} tables, views or sequences): restore into a new database, or pass --force to drop and re-create it`,
        );
      }
      const admin = new URL(targetUrl);
      admin.pathname = '/postgres';
      await withClient(admin.toString(), async (c) => {
        await c.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      });
      await ensureDatabase(targetUrl, log);
      log(`--force: dropped and re-created database ${name} (${objects} objects)`);
      replaced = true;
    }
  }

  const targetMajor = await withClient(targetUrl, async (c) =>
    Math.floor(Number((await c.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`)).rows[0].n) / 10000),
  );
  checkRestoreVersions({
    restoreMajor: pgRestore.major,
    dumpedByMajor: archive.dumpedByMajor,
    dumpedFromMajor: archive.dumpedFromMajor,
    targetMajor,
  });

  const manifestFile = `${source}.json`;
  const manifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Partial<BackupManifest>) : undefined;

  if (archive.hasTimescale) {
    // https://docs.timescale.com (Backup and restore, pg_dump and pg_restore): the same TimescaleDB version,
    // created before the restore, timescaledb_pre_restore(), pg_restore (never parallel), timescaledb_post_restore().
    await withClient(targetUrl, async (c) => {
      const available = await c.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
      if (!available.rowCount)
        throw new BackupError(
          `the backup uses TimescaleDB but the target server has no timescaledb extension: restore into a TimescaleDB server`,
        );
      const version = manifest?.extensions?.timescaledb;
      if (version && !/^[0-9A-Za-z.-]+$/.test(version))
        throw new BackupError(`unexpected TimescaleDB version in ${manifestFile}: ${version}`);
      try {
        await c.query(
          version ? `CREATE EXTENSION IF NOT EXISTS timescaledb VERSION '${version}'` : 'CREATE EXTENSION IF NOT EXISTS timescaledb',
        );
      } catch (err) {
        throw new BackupError(
          `cannot create TimescaleDB ${version ?? ''} on the target (the backup's version must be installed there): ${(err as Error).message}`,
        );
      }
      const installed = (await c.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'timescaledb'`)).rows[0].v;
      if (version && installed !== version)
        throw new BackupError(`TimescaleDB ${installed} on the target, ${version} in the backup: they must be equal`);
      await c.query('SELECT timescaledb_pre_restore()');
      log(`TimescaleDB ${installed}: timescaledb_pre_restore() done`);
    });
  }

  const { dbname, env } = libpqTarget(targetUrl);
  try {
    await run('pg_restore', pgRestore.path, ['--no-owner', '--exit-on-error', '--no-password', `--dbname=${dbname}`, source], env, (l) =>
      log(`pg_restore: ${l}`),
    );
  } finally {
    if (archive.hasTimescale) {
      await withClient(targetUrl, async (c) => {
        await c.query('SELECT timescaledb_post_restore()');
      });
      log('TimescaleDB: timescaledb_post_restore() done');
    }
  }

  const migrations = await verifyMigrations(targetUrl, options.migrationsDir);
  return { database: name, created, replaced, timescale: archive.hasTimescale, ms: Date.now() - started, migrations };
}
