import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createPool, createTestDatabase, seed, type TestDatabase } from '@water/db';
import type { TestProject } from 'vitest/node';

const root = resolve(__dirname, '../../../../..');
const apiDir = resolve(root, 'apps/api');
const webDir = resolve(root, 'apps/web');

declare module 'vitest' {
  export interface ProvidedContext {
    webUrl: string;
    apiUrl: string;
    databaseUrl: string;
    redisPrefix: string;
    /** Where the stack's SMTP receiver writes each message it accepts, as <n>.eml, in the order received. */
    mailDir: string;
  }
}

function build(filter: string) {
  const r = spawnSync('pnpm', ['--filter', filter, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building ${filter} failed`);
}

/** A port nobody listens on right now (asked from the kernel), unless the environment fixes one. */
function freePort(fixed: string | undefined): Promise<number> {
  if (fixed) return Promise.resolve(Number(fixed));
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * A real SMTP server for the API and worker of the stack (nothing leaves the machine): every message
 * is accepted and written to `dir` as a numbered .eml file, so the tests (in other processes than this
 * set-up) read what was sent, e.g. the one-time code of a portal sign-up.
 */
async function startSmtp(dir: string): Promise<{ port: number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        count += 1;
        writeFileSync(join(dir, `${String(count).padStart(6, '0')}.eml`), Buffer.concat(chunks));
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePort((server.server.address() as { port: number }).port));
  });
  return { port, close: () => new Promise<void>((done) => server.close(() => done())) };
}

async function waitFor(url: string, ms: number, proc: ChildProcess, name: string) {
  const end = Date.now() + ms;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}`);
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`${name} did not answer ${url} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts the stack the browser tests drive: builds API and console (skip with E2E_SKIP_BUILD=1 when
 * they are fresh), a seeded database of its own, an SMTP receiver, the API, a worker and the console on free ports.
 */
export default async function setup(project: TestProject) {
  if (process.env.E2E_SKIP_BUILD !== '1' || !existsSync(resolve(apiDir, 'dist/main.js'))) build('@water/api');
  if (process.env.E2E_SKIP_BUILD !== '1' || !existsSync(resolve(webDir, '.output/server/index.mjs'))) build('@water/web');

  const db: TestDatabase = await createTestDatabase('web_e2e');
  const pool = createPool(db.url, { max: 4 });
  await seed(pool, { readingDays: 3 });
  await pool.end();

  const apiPort = await freePort(process.env.E2E_API_PORT);
  const webPort = await freePort(process.env.E2E_WEB_PORT);
  const redisPrefix = `e2e:${randomBytes(4).toString('hex')}`;
  const mailDir = mkdtempSync(join(tmpdir(), 'water-e2e-mail-'));
  const smtp = await startSmtp(mailDir);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.url,
    REDIS_PREFIX: redisPrefix,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    // Browser tests sign in many times from one address.
    LOGIN_MAX_PER_ADDRESS: '1000',
    // The console's server forwards the browser's address.
    TRUST_PROXY: 'true',
    CORS_ORIGINS: `http://127.0.0.1:${webPort}`,
    // E-mails (portal codes, notifications) go to the receiver above; links in them point at the console.
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: 'Su Platformu <no-reply@water.test>',
    PUBLIC_URL: `http://127.0.0.1:${webPort}`,
  };
  const procs: ChildProcess[] = [];
  const start = (name: string, cwd: string, script: string, extra: Record<string, string> = {}) => {
    const p = spawn(process.execPath, [script], { cwd, env: { ...env, ...extra }, stdio: ['ignore', 'inherit', 'inherit'] });
    procs.push(p);
    return p;
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const api = start('api', apiDir, 'dist/main.js');
  start('worker', apiDir, 'dist/worker.js');
  const web = start('web', webDir, '.output/server/index.mjs', {
    PORT: String(webPort),
    HOST: '127.0.0.1',
    NUXT_API_BASE: apiUrl,
    // The browser opens Socket.io on the API itself (CORS_ORIGINS above admits the console).
    NUXT_PUBLIC_LIVE_URL: apiUrl,
    NUXT_SESSION_COOKIE_SECURE: 'false',
  });
  const stop = async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode !== null ? undefined : new Promise((r) => p.once('exit', r)))));
    await smtp.close();
    rmSync(mailDir, { recursive: true, force: true });
    await db.drop();
  };
  try {
    await waitFor(`${apiUrl}/api/health`, 60_000, api, 'api');
    await waitFor(`${webUrl}/login`, 60_000, web, 'web');
  } catch (err) {
    // Leave nothing behind when the stack cannot start.
    await stop();
    throw err;
  }

  project.provide('webUrl', webUrl);
  project.provide('apiUrl', apiUrl);
  project.provide('databaseUrl', db.url);
  project.provide('redisPrefix', redisPrefix);
  project.provide('mailDir', mailDir);

  return stop;
}
