import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { createKysely, createPool, createTestDatabase, seed, seedReference, SEED_PASSWORD, type DB, type TestDatabase } from '@water/db';
import { createApp } from '../../src/bootstrap';
import { loadConfig, type AppConfig } from '../../src/core/config/config';

export interface InjectOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  config: AppConfig;
  /** Base URL when started with `listen: true` (Socket.io tests), else ''. */
  url: string;
  request<T = any>(opts: InjectOptions): Promise<{ status: number; body: T; headers: Record<string, unknown> }>;
  login(email: string, password?: string): Promise<string>;
  /** Direct SQL on the suite's database (as its owner: no row-level security), for assertions about stored state. */
  sql<R = any>(text: string, params?: unknown[]): Promise<R[]>;
  /** Kysely on the same connections as `sql`: what the factories (support/factories.ts) write with. */
  readonly kysely: Kysely<DB>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * What the database holds besides the migrations:
   * - 'bare' (default): the reference lists only (brands, IP ratings, subscription groups,
   *   communication technologies and their fields); the test builds its data with the factories.
   * - 'demo': the full demo seed (the brief's tenants, users — SEED_USERS, SEED_PASSWORD — customers,
   *   assets and readings), for a suite that is about the platform at the seed's size; what the seed
   *   holds is asserted in prisma/test/seed.test.ts, not here.
   * - 'none': nothing at all.
   */
  seed?: 'bare' | 'demo' | 'none';
  /** Days of hourly readings of the demo seed (2 by default). */
  readingDays?: number;
  env?: Record<string, string>;
  listen?: boolean;
}

/**
 * Boots the real API against its own freshly migrated database (bare by default, see
 * `TestAppOptions.seed`) and a Redis key prefix of its own, so suites never share state.
 */
export async function startTestApp(label: string, options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase(label);
  const mode = options.seed ?? 'bare';
  if (mode !== 'none') {
    const pool = createPool(db.url, { max: 4 });
    try {
      if (mode === 'demo') await seed(pool, { readingDays: options.readingDays ?? 2 });
      else await seedReference(pool);
    } finally {
      await pool.end();
    }
  }
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    REDIS_PREFIX: `test:${label}:${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const app = await createApp(config, { logger: false });
  let url = '';
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = await app.getUrl();
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }

  const request: TestApp['request'] = async ({ method = 'GET', url, token, body, headers = {} }) => {
    const res = await app.inject({
      method,
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    let parsed: unknown = res.body;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.statusCode, body: parsed as any, headers: res.headers };
  };

  let pool: Pool | undefined;
  let kysely: Kysely<DB> | undefined;
  const ownerPool = () => {
    if (!pool) {
      pool = createPool(db.url, { max: 2 });
      // Dropping the database at the end ends idle connections: not an error of the suite.
      pool.on('error', () => undefined);
    }
    return pool;
  };
  return {
    app,
    db,
    config,
    url: url.replace('[::1]', '127.0.0.1'),
    request,
    async login(email, password = SEED_PASSWORD) {
      const res = await request({ method: 'POST', url: '/api/auth/login', body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.accessToken as string;
    },
    async sql(text, params = []) {
      return (await ownerPool().query(text, params)).rows;
    },
    get kysely() {
      kysely ??= createKysely(ownerPool());
      return kysely;
    },
    async close() {
      await app.close();
      await pool?.end();
      await db.drop();
    },
  };
}
