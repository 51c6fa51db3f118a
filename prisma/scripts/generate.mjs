// Generates the Prisma client and the Kysely table types from schema.prisma.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { prismaEnv } from './prisma-env.mjs';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
execFileSync(process.execPath, [cli, 'generate', '--schema', 'schema.prisma'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: prismaEnv(),
});
