import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { createPool, createTestDatabase, seed, SEED_PASSWORD, type TestDatabase } from '@water/db';
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
  /** Direct SQL on the suite's database, for assertions about stored state. */
  sql<R = any>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * Boots the real API against its own freshly migrated (and by default seeded) database and a
 * Redis key prefix of its own, so suites never share state.
 */
export async function startTestApp(
  label: string,
  options: { seed?: boolean; readingDays?: number; env?: Record<string, string>; listen?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase(label);
  if (options.seed !== false) {
    const pool = createPool(db.url, { max: 4 });
    try {
      await seed(pool, { readingDays: options.readingDays ?? 2 });
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
      if (!pool) {
        pool = createPool(db.url, { max: 2 });
        // Dropping the database at the end ends idle connections: not an error of the suite.
        pool.on('error', () => undefined);
      }
      return (await pool.query(text, params)).rows;
    },
    async close() {
      await app.close();
      await pool?.end();
      await db.drop();
    },
  };
}

export const SUPER_ADMIN = 'iot@una.net.tr';
export const ASKI_ADMIN = 'aski.yetkili@example.com';
export const HATSU_ADMIN = 'hatsu.yetkili@example.com';
