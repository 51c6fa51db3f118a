import { createPool, databaseUrl } from '../connection';
import { ensureDatabase, migrate } from '../migrate';
import { seed } from '../seed';

/** `pnpm db:setup`: create the database if missing, apply migrations, load the seed. Idempotent. */
async function main() {
  const url = databaseUrl();
  const started = Date.now();
  await ensureDatabase(url, console.log);
  const { applied, skipped } = await migrate(url, undefined, console.log);
  console.log(`migrations: ${applied.length} applied, ${skipped.length} already applied`);
  const pool = createPool(url, { max: 4 });
  try {
    const report = await seed(pool, { log: console.log });
    console.log(report.skipped ? 'seed: already loaded, nothing changed' : `seed: loaded in ${report.elapsedMs} ms`);
  } finally {
    await pool.end();
  }
  console.log(`db:setup done in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
