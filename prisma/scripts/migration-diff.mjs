// Writes the SQL that takes the committed schema.prisma (git HEAD, or --from-rev REV) to the working
// copy into a new migration folder: `pnpm --filter @water/db migration:diff <name>`. Review it and add
// by hand what Prisma does not express (triggers, partial indexes, checks, hypertables) before
// committing. (Diffing from a live database URL is not available with the driver-adapter engine.)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prismaEnv } from './prisma-env.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: migration:diff <snake_case_name>');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
function fromArgs() {
  if (process.argv.includes('--from-empty')) return ['--from-empty'];
  const i = process.argv.indexOf('--from-rev');
  const rev = i > 0 ? process.argv[i + 1] : 'HEAD';
  const old = execFileSync('git', ['show', `${rev}:./schema.prisma`], { encoding: 'utf8' });
  const file = join(mkdtempSync(join(tmpdir(), 'schema-')), 'schema.prisma');
  writeFileSync(file, old);
  return ['--from-schema-datamodel', file];
}
const from = fromArgs();
const sql = execFileSync(process.execPath, [cli, 'migrate', 'diff', ...from, '--to-schema-datamodel', 'schema.prisma', '--script'], {
  env: prismaEnv(),
  encoding: 'utf8',
});
const existing = existsSync('migrations') ? readdirSync('migrations').filter((d) => /^\d{4}_/.test(d)) : [];
const next = String(existing.length + 1).padStart(4, '0');
const dir = join('migrations', `${next}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), sql);
console.log(`wrote ${dir}/migration.sql`);
