import { databaseUrl } from '../connection';
import { ensureDatabase, migrate } from '../migrate';

async function main() {
  const url = databaseUrl();
  await ensureDatabase(url, console.log);
  const { applied, skipped } = await migrate(url, undefined, console.log);
  console.log(`migrations: ${applied.length} applied, ${skipped.length} already applied`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
