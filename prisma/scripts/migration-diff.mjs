// Writes the SQL that takes the last migration's schema to the current schema.prisma into a new
// migration folder: `pnpm --filter @water/db migration:diff <name>`. Review it and add by hand what
// Prisma does not express (triggers, partial indexes, checks, hypertables) before committing.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prismaEnv } from './prisma-env.mjs';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: migration:diff <snake_case_name>');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const from = process.argv.includes('--from-empty') ? ['--from-empty'] : ['--from-url', process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/water'];
const sql = execFileSync(
  process.execPath,
  [cli, 'migrate', 'diff', ...from, '--to-schema-datamodel', 'schema.prisma', '--script'],
  { env: prismaEnv(), encoding: 'utf8' },
);
const existing = existsSync('migrations') ? readdirSync('migrations').filter((d) => /^\d{4}_/.test(d)) : [];
const next = String(existing.length + 1).padStart(4, '0');
const dir = join('migrations', `${next}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'migration.sql'), sql);
console.log(`wrote ${dir}/migration.sql`);
