/**
 * Shared helpers of the benchmark suite: dependencies resolved from the API package (the root has
 * no node_modules of its own), bench databases, timing, percentiles, results and the report table.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = path.resolve(__dirname, '../..');
export const API_DIR = path.join(ROOT, 'apps/api');
/** Packages come from apps/api's node_modules: autocannon, socket.io(-client), pg, kysely, @water/db. */
export const req = createRequire(path.join(API_DIR, 'package.json'));

export const pg = req('pg') as typeof import('pg');
export const waterDb = req('@water/db') as typeof import('@water/db');

export const SERVER_URL = process.env.BENCH_DATABASE_SERVER || 'postgresql://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
/**
 * Ports 30000–30099 belong to the bench: below the kernel's ephemeral range (32768–60999), where B3's
 * 10,000 client sockets would otherwise take a port a server of the bench is about to listen on.
 */
export const PORT_BASE = Number(process.env.BENCH_PORT_BASE || 30000);

export const env = (name: string, def: number) => (process.env[name] ? Number(process.env[name]) : def);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

export function uptime(): string {
  const l = loadavg();
  return `load ${l[0].toFixed(2)} ${l[1].toFixed(2)} ${l[2].toFixed(2)}`;
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    n: s.length,
    p50: r(pct(s, 50)),
    p95: r(pct(s, 95)),
    p99: r(pct(s, 99)),
    max: r(s[s.length - 1] ?? NaN),
    mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

/** Runs fn `count` times (bounded by `maxMs`), sequentially, after `warmup` untimed runs. */
export async function sample(fn: () => Promise<unknown>, count: number, warmup = 3, maxMs = 60_000): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  const end = now() + maxMs;
  for (let i = 0; i < count && now() < end; i++) {
    const t = now();
    await fn();
    out.push(now() - t);
  }
  return out;
}

// ---- bench databases -------------------------------------------------------------------------

export interface BenchDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const admin = () => new pg.Client({ connectionString: `${SERVER_URL}/postgres` });

/** A fresh `water_bench_<label>_<hex>` database, migrated unless told not to. */
export async function createBenchDb(label: string, opts: { migrate?: boolean } = {}): Promise<BenchDb> {
  const name = `water_bench_${label}_${randomBytes(3).toString('hex')}`;
  const c = admin();
  await c.connect();
  await c.query(`CREATE DATABASE "${name}"`);
  await c.end();
  const url = `${SERVER_URL}/${name}`;
  if (opts.migrate !== false) await waterDb.migrate(url);
  return {
    name,
    url,
    async drop() {
      if (process.env.BENCH_KEEP_DB) return;
      const d = admin();
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await d.end();
    },
  };
}

// ---- results ---------------------------------------------------------------------------------

export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline (for latencies, >1 is slower; for rates, <1 is slower). */
  ratio?: number;
  target?: string;
  met?: boolean;
  load: string;
  note?: string;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly extra: Record<string, unknown> = {};
  constructor(readonly bench: string) {}

  add(f: Omit<Figure, 'bench' | 'load' | 'ratio'> & { load?: string }) {
    const ratio = f.baseline && f.baseline.value ? Number((f.value / f.baseline.value).toPrecision(3)) : undefined;
    const fig: Figure = { ...f, bench: this.bench, load: f.load ?? uptime(), ratio };
    this.figures.push(fig);
    const base = f.baseline ? `  vs ${f.baseline.name} ${fmt(f.baseline.value)} ${f.unit}  ratio ${ratio}` : '';
    const tgt = f.target ? `  target ${f.target} ${f.met === undefined ? '' : f.met ? 'MET' : 'MISSED'}` : '';
    log(`${this.bench} ${f.metric}: ${fmt(f.value)} ${f.unit}${base}${tgt}  [${fig.load}]${f.note ? `  (${f.note})` : ''}`);
  }

  write(): string {
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.bench}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        { bench: this.bench, at: new Date().toISOString(), machine: machine(), figures: this.figures, extra: this.extra },
        null,
        2,
      ),
    );
    log(`${this.bench}: results in ${path.relative(ROOT, file)}`);
    return file;
  }
}

export const fmt = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));
export const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

// ---- processes -------------------------------------------------------------------------------

/** Builds the API once when dist is missing (BENCH_BUILD=1 forces it). */
export function ensureApiBuild() {
  const fs = req('node:fs') as typeof import('node:fs');
  if (process.env.BENCH_BUILD === '1' || !fs.existsSync(path.join(API_DIR, 'dist/main.js'))) {
    log('building apps/api (nest build)');
    execSync('npx nest build', { cwd: API_DIR, stdio: 'inherit' });
  }
}

export interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
  /** The last 4 KB the process wrote to stderr. */
  stderr(): string;
}

/** Starts `node <script>` under apps/api with the given environment; resolves when `ready` answers. */
export async function startNode(
  script: string | string[],
  envVars: Record<string, string>,
  ready?: () => Promise<boolean>,
  nodeArgs: string[] = [],
): Promise<Child> {
  const proc = spawn(process.execPath, [...nodeArgs, ...[script].flat()], {
    cwd: API_DIR,
    env: { ...process.env, ...envVars },
    stdio: ['ignore', process.env.BENCH_CHILD_LOGS === '1' ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    const done = new Promise((r) => proc.once('exit', r));
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  };
  if (ready) {
    const end = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`${script} exited ${proc.exitCode}: ${stderr}`);
      if (await ready().catch(() => false)) break;
      if (Date.now() > end) {
        await stop();
        throw new Error(`${script} not ready in 60 s: ${stderr}`);
      }
      await sleep(250);
    }
  }
  return { proc, stop, stderr: () => stderr };
}

export function apiEnv(dbUrl: string, port: number, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: dbUrl,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    API_HOST: '127.0.0.1',
    API_PORT: String(port),
    JWT_ACCESS_SECRET: 'bench-only-secret-0123456789abcdef0123456789',
    SECRETS_KEY: 'bench-only-secrets-key-0123456789abcdef01234',
    JWT_ACCESS_TTL_SECONDS: '7200',
    LOG_LEVEL: 'warn',
    MQTT_ENABLED: 'false',
    LOGIN_MAX_PER_ACCOUNT: '1000',
    LOGIN_MAX_PER_ADDRESS: '1000',
    ...extra,
  };
}

/**
 * The API's entry point, relative to apps/api. BENCH_API_ENTRY points at a private copy of a build
 * (e.g. `dist-bench/main.js`) so that a `nest build` of the shared checkout cannot vanish mid-run.
 */
const API_ENTRY = process.env.BENCH_API_ENTRY || 'dist/main.js';
/** The worker's entry point, as BENCH_API_ENTRY (e.g. `.test-build/mine/worker.js`); its folder also serves B6's statement baseline. */
export const WORKER_ENTRY = process.env.BENCH_WORKER_ENTRY || 'dist/worker.js';

/** Starts the built API on `port` and logs in as the root super admin. */
export async function startApi(dbUrl: string, port: number, prefix: string, extra: Record<string, string> = {}, profile?: string) {
  const base = `http://127.0.0.1:${port}`;
  const child = await startNode(
    profile ? profiledScript(API_ENTRY) : API_ENTRY,
    apiEnv(dbUrl, port, prefix, extra),
    async () => (await fetch(`${base}/api/health`)).ok,
    profile ? profileArgs(profile) : [],
  );
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'iot@una.net.tr', password: waterDb.SEED_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login failed ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { accessToken: string }).accessToken;
  const stop = async () => {
    await child.stop();
    await clearRedisPrefix(prefix);
  };
  const get = async (url: string) => {
    const r = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
    const body = await r.text();
    if (!r.ok) throw new Error(`GET ${url}: ${r.status} ${body.slice(0, 300)}`);
    return body;
  };
  return { ...child, stop, base, token, get };
}

/** CPU time (user + system, ms) a process has used so far: a cost per request the machine's load does not inflate. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export const PROFILE_DIR = path.join(ROOT, 'bench/results/profiles');
/** BENCH_PROFILE=1 runs the API/worker under `node --cpu-prof`; profiles land in bench/results/profiles. */
export const profiling = () => process.env.BENCH_PROFILE === '1';
export const profiledScript = (entry: string) => [path.join(ROOT, 'bench/lib/profiled.js'), entry];
/**
 * One folder per profiled process: Node names each thread's file itself (CPU.<date>.<time>.<pid>.<thread>.<seq>),
 * so the main thread (thread 0) and the decoder threads each keep their own profile instead of overwriting one name.
 */
export const profileArgs = (name: string) => ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, `${name}-${Date.now()}`)}`];

/** Deletes every Redis key under `prefix` (SCAN, bounded). */
export async function clearRedisPrefix(prefix: string) {
  const IORedis = req('ioredis');
  const r = new IORedis(REDIS_URL);
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) n += await r.del(...keys);
  } while (cursor !== '0');
  await r.quit();
  return n;
}

// ---- statement plans of the running API (auto_explain into the server log) -------------------

export const PG_LOG = process.env.BENCH_PG_LOG || '/var/log/postgresql/postgresql-15-main.log';

/** New sessions of this bench database log the plan (ANALYZE, BUFFERS) of statements slower than minMs. */
export async function enableAutoExplain(url: string, minMs: number) {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`ALTER DATABASE "${name}" SET session_preload_libraries = 'auto_explain'`);
  await c.query(`ALTER DATABASE "${name}" SET auto_explain.log_min_duration = '${minMs}ms'`);
  await c.query(`ALTER DATABASE "${name}" SET auto_explain.log_analyze = on`);
  await c.query(`ALTER DATABASE "${name}" SET auto_explain.log_buffers = on`);
  await c.end();
  const fs = req('node:fs') as typeof import('node:fs');
  return { name, offset: fs.existsSync(PG_LOG) ? fs.statSync(PG_LOG).size : 0 };
}

export async function disableAutoExplain(url: string) {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const k of ['session_preload_libraries', 'auto_explain.log_min_duration', 'auto_explain.log_analyze', 'auto_explain.log_buffers'])
    await c.query(`ALTER DATABASE "${name}" RESET ${k}`);
  await c.end();
}

/** The plans auto_explain logged for `name` since `offset`, slowest first (at most `max`). */
export function collectPlans(name: string, offset: number, max = 6): { ms: number; plan: string }[] {
  const fs = req('node:fs') as typeof import('node:fs');
  if (!fs.existsSync(PG_LOG)) return [];
  const fd = fs.openSync(PG_LOG, 'r');
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(Math.max(0, size - offset));
  fs.readSync(fd, buf, 0, buf.length, offset);
  fs.closeSync(fd);
  const lines = buf.toString('utf8').split('\n');
  const out: { ms: number; plan: string }[] = [];
  let cur: { ms: number; lines: string[] } | null = null;
  for (const line of lines) {
    const head = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line);
    if (head) {
      if (cur) out.push({ ms: cur.ms, plan: cur.lines.join('\n') });
      cur = null;
      const m = line.match(/@(\S+) LOG:\s+duration: ([\d.]+) ms\s+plan:/);
      if (m && m[1] === name) cur = { ms: Number(m[2]), lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  if (cur) out.push({ ms: cur.ms, plan: cur.lines.join('\n') });
  // One per distinct statement text (first 200 chars), keeping the slowest.
  const best = new Map<string, { ms: number; plan: string }>();
  for (const p of out) {
    const key = p.plan.slice(0, 200);
    if (!best.has(key) || best.get(key)!.ms < p.ms) best.set(key, p);
  }
  return [...best.values()].sort((a, b) => b.ms - a.ms).slice(0, max);
}

// ---- what a process's statements cost and where its connections wait --------------------------

async function alterDatabase(url: string, settings: Record<string, string | null>) {
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const [k, v] of Object.entries(settings))
    await c.query(v === null ? `ALTER DATABASE "${name}" RESET ${k}` : `ALTER DATABASE "${name}" SET ${k} = '${v}'`);
  await c.end();
  return name;
}

/** New sessions of this bench database log every statement's server time (no parameters: the batches' arrays are large). */
export async function enableStatementLog(url: string) {
  const name = await alterDatabase(url, { log_min_duration_statement: '0', log_parameter_max_length: '0' });
  const fs = req('node:fs') as typeof import('node:fs');
  return { name, offset: fs.existsSync(PG_LOG) ? fs.statSync(PG_LOG).size : 0 };
}

export const disableStatementLog = (url: string) =>
  alterDatabase(url, { log_min_duration_statement: null, log_parameter_max_length: null });

export interface StatementCost {
  statement: string;
  count: number;
  ms: number;
}

/**
 * The statements `name` ran since `offset`, by text (its first 90 characters) with the server time of their
 * parse, bind and execute steps summed; `skip` leaves out the bench's own queries. Returns the total too.
 */
export function collectStatements(
  name: string,
  offset: number,
  skip?: RegExp,
): { statements: StatementCost[]; count: number; ms: number; begins: number } {
  const fs = req('node:fs') as typeof import('node:fs');
  if (!fs.existsSync(PG_LOG)) return { statements: [], count: 0, ms: 0, begins: 0 };
  const fd = fs.openSync(PG_LOG, 'r');
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(Math.max(0, size - offset));
  fs.readSync(fd, buf, 0, buf.length, offset);
  fs.closeSync(fd);
  const by = new Map<string, StatementCost>();
  let cur: { ms: number; phase: string; text: string[] } | null = null;
  const flush = () => {
    const done = cur;
    cur = null;
    if (!done) return;
    const text = done.text.join(' ').replace(/\s+/g, ' ').trim();
    if (skip?.test(text)) return;
    const key = text.slice(0, 90);
    const s = by.get(key) ?? { statement: key, count: 0, ms: 0 };
    s.ms += done.ms;
    if (done.phase === 'execute' || done.phase === 'statement') s.count++;
    by.set(key, s);
  };
  for (const line of buf.toString('utf8').split('\n')) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(line)) {
      flush();
      const m = line.match(/@(\S+) LOG:\s+duration: ([\d.]+) ms\s+(parse|bind|execute|statement)[^:]*: (.*)$/);
      if (m && m[1] === name) cur = { ms: Number(m[2]), phase: m[3], text: [m[4]] };
    } else if (cur && /^\s/.test(line)) cur.text.push(line);
  }
  flush();
  const statements = [...by.values()].sort((a, b) => b.ms - a.ms);
  const begins = statements.filter((s) => /^begin/i.test(s.statement)).reduce((n, s) => n + s.count, 0);
  return {
    statements,
    count: statements.reduce((n, s) => n + s.count, 0),
    ms: statements.reduce((n, s) => n + s.ms, 0),
    begins,
  };
}

/**
 * Samples the connections to a database every `everyMs` (pg_stat_activity): per sample, each client
 * connection that is not idle counts once under its state and wait ("active CPU", "active Lock:transactionid",
 * "idle in transaction" = the client holds a transaction and the server waits for its next statement).
 */
export function sampleActivity(url: string, everyMs = 10, skip = 'SELECT count(*) AS n FROM reading') {
  const c = new pg.Client({ connectionString: url });
  const counts: Record<string, number> = {};
  let samples = 0;
  let running = true;
  const loop = (async () => {
    await c.connect();
    while (running) {
      const { rows } = await c.query(
        `SELECT state, wait_event_type AS wt, wait_event AS we FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            AND state <> 'idle' AND left(query, ${skip.length}) <> $1`,
        [skip],
      );
      samples++;
      for (const r of rows) {
        const key = r.state === 'active' ? `active ${r.wt ? `${r.wt}:${r.we}` : 'CPU'}` : r.state;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      await sleep(everyMs);
    }
    await c.end();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, counts };
    },
  };
}
