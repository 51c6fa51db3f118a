import { createPool, databaseUrl } from '../connection';
import { seed } from '../seed';

async function main() {
  const pool = createPool(databaseUrl(), { max: 4 });
  try {
    const report = await seed(pool, { log: console.log });
    console.log(report.skipped ? 'seed: already loaded, nothing changed' : `seed: loaded in ${report.elapsedMs} ms`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
