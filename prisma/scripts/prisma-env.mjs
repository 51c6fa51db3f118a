// Prisma's native engine binaries cannot be downloaded on offline machines. `prisma generate` and
// `prisma migrate diff` only need the paths to exist (the wasm engines do the work), so point them
// at this file unless the caller already provides real engines.
import { fileURLToPath } from 'node:url';
import { delimiter, join } from 'node:path';

const placeholder = fileURLToPath(import.meta.url);

export function prismaEnv() {
  return {
    ...process.env,
    // Generators (prisma-kysely) are looked up on PATH.
    PATH: [join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin'), process.env.PATH].join(delimiter),
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}
