// Prisma CLI configuration. The native schema engine cannot be downloaded on offline machines, so the
// CLI runs its wasm schema engine through the pg driver adapter ("js" engine).
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  schema: 'schema.prisma',
  engine: 'js',
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/water' }),
});
