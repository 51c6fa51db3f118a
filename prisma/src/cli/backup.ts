import { resolve } from 'node:path';
import { BackupError, backupDatabase, defaultBackupFile, formatBytes } from '../backup';
import { databaseUrl } from '../connection';

const USAGE = `usage: pnpm db:backup [file]
  Dumps DATABASE_URL with pg_dump --format=custom to <file> (default backups/water-<UTC timestamp>.dump,
  relative to the folder pnpm was started in) and writes <file>.json (versions, extensions, migrations).
  PG_BIN: folder of pg_dump when it is not the one on PATH.`;

/** `pnpm db:backup [file]`. pnpm runs this in prisma/; relative paths are the caller's (INIT_CWD). */
async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => a.startsWith('-'));
  if (unknown.length || args.length > 1) throw new BackupError(`unexpected arguments: ${args.join(' ')}\n${USAGE}`);
  const base = process.env.INIT_CWD || process.cwd();
  const file = resolve(base, args[0] ?? defaultBackupFile());
  const url = databaseUrl();
  const result = await backupDatabase(url, file, { log: (l) => console.error(l) });
  const db = new URL(url);
  console.log(
    `backup of ${db.hostname}:${db.port || 5432}/${result.manifest.database} (PostgreSQL ${result.manifest.serverVersion}, ` +
      `${result.manifest.migrations.length} migrations) written to ${result.file}: ${formatBytes(result.bytes)} in ${(result.ms / 1000).toFixed(1)} s`,
  );
}

main().catch((err) => {
  console.error(err instanceof BackupError ? `db:backup: ${err.message}` : err instanceof Error ? err.stack : err);
  process.exit(1);
});
