import { resolve } from 'node:path';
import { BackupError, restoreDatabase } from '../backup';
import { databaseUrl } from '../connection';

const USAGE = `usage: pnpm db:restore <file> [target-database-url] [--force]
  Restores a pg_dump custom-format backup into the target database (default DATABASE_URL), creating it
  when missing. A database that already holds tables is refused unless --force (it is then dropped and
  re-created). Runs pg_restore --no-owner --exit-on-error (with timescaledb_pre_restore() and
  timescaledb_post_restore() when the backup holds TimescaleDB), then checks that the restored
  _migration rows match this repository's migrations.
  PG_BIN: folder of pg_restore when it is not the one on PATH.`;

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const force = args.includes('--force');
  const rest = args.filter((a) => a !== '--force');
  const unknown = rest.filter((a) => a.startsWith('-'));
  if (unknown.length || rest.length < 1 || rest.length > 2)
    throw new BackupError(`unexpected arguments: ${args.join(' ') || '(none)'}\n${USAGE}`);
  const file = resolve(process.env.INIT_CWD || process.cwd(), rest[0]);
  const target = rest[1] ?? databaseUrl();
  const result = await restoreDatabase(file, target, { force, log: (l) => console.error(l) });
  const m = result.migrations;
  console.log(
    `restored ${file} into ${result.database}${result.created ? ' (created)' : result.replaced ? ' (replaced, --force)' : ''}` +
      `${result.timescale ? ' with TimescaleDB pre/post restore' : ''} in ${(result.ms / 1000).toFixed(1)} s`,
  );
  if (m.changed.length)
    console.error(`db:restore: migrations recorded with another checksum than this repository's files: ${m.changed.join(', ')}`);
  if (m.unknown.length)
    console.error(`db:restore: migrations this repository does not have (the backup is newer than this code): ${m.unknown.join(', ')}`);
  if (!m.ok) {
    console.error('db:restore: the data is restored, but this code must not run against it until the migrations agree');
    process.exit(2);
  }
  console.log(
    `migrations: ${m.matching.length} match this repository${m.pending.length ? `; ${m.pending.length} newer ones pending (${m.pending.join(', ')}): run pnpm db:migrate with DATABASE_URL set to the target` : ''}`,
  );
}

main().catch((err) => {
  console.error(err instanceof BackupError ? `db:restore: ${err.message}` : err instanceof Error ? err.stack : err);
  process.exit(1);
});
