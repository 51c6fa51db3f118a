import { availableParallelism } from 'node:os';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Every setting the processes read, validated once at start. Defaults are safe for local work. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/water'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /**
     * Row-level security under the API's checks (migration 0010): its queries run as DATABASE_RLS_ROLE
     * bound to the caller's tenants. Off only where the connecting user may not SET ROLE.
     */
    DATABASE_RLS: bool.default(true),
    DATABASE_RLS_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('water_api'),
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Prefix for every Redis key and queue, so several deployments (or test runs) can share a server. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-z0-9:_-]+$/i)
      .default('water'),
    MQTT_URL: z.string().url().default('mqtt://127.0.0.1:1883'),
    API_HOST: z.string().default('0.0.0.0'),
    API_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
    JWT_ACCESS_SECRET: z.string().min(32).optional(),
    /** Encrypts stored signing keys (payment provider, outgoing webhooks); see core/secrets. Required in production. */
    SECRETS_KEY: z.string().min(32).optional(),
    JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    JWT_REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    CORS_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
    /**
     * Shared with the web console's server (NUXT_CONSOLE_PROXY_SECRET): with it the console passes each
     * browser's own address in X-Console-Client-IP, which the API trusts only with this secret.
     */
    CONSOLE_PROXY_SECRET: z.string().min(32).optional(),
    /** How often each API node re-checks its open live sockets (session, token expiry, rights): the bound on a missed revocation. */
    LIVE_REVALIDATE_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
    /**
     * Readings and device states are sent to a tenant's room at most once per this many milliseconds, each
     * device's newest only (issue 22): the live output grows with rooms, not readings. A quiet room's first
     * event goes at once.
     */
    LIVE_COALESCE_MS: z.coerce.number().int().min(50).max(10_000).default(1_000),
    /** A live socket whose unsent data passes this many bytes (a client that does not read) is disconnected. */
    LIVE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(16_384).default(4_194_304),
    /** How long a dropped live socket may come back and receive what it missed (Socket.io connection state recovery). */
    LIVE_RECOVERY_SECONDS: z.coerce.number().int().min(0).max(900).default(120),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
    LOGIN_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(30),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
    /** Longest block of an account after repeated failures (each block doubles the last, from LOGIN_WINDOW_SECONDS). */
    LOGIN_BLOCK_MAX_SECONDS: z.coerce.number().int().min(1).default(86_400),
    /** Operators' password reset by e-mail (issue 21): how long a link works, and requests per e-mail and per address in the window. */
    PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1440).default(30),
    PASSWORD_RESET_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
    PASSWORD_RESET_MAX_PER_EMAIL: z.coerce.number().int().min(1).default(3),
    PASSWORD_RESET_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
    /** Trust X-Forwarded-For from a reverse proxy in front of the API. */
    TRUST_PROXY: bool.default(false),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    TZ_DEFAULT: z.string().default('Europe/Istanbul'),
    /** How long an API node reuses a session's rights between requests (0: load them on every request). */
    ACCESS_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
    /**
     * Uplink jobs one worker process takes at once. With merging on, the jobs in hand are stored together,
     * one transaction at a time; with it off, each job is its own transaction (and holds a connection).
     */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(8),
    /** Most uplinks the worker stores in one transaction when merging the jobs in hand; 0 stores each job alone. */
    WORKER_MERGE_MAX_UPLINKS: z.coerce.number().int().min(0).max(20_000).default(5000),
    /** How long an idle worker waits for the jobs fetched alongside the first before storing them together. */
    WORKER_MERGE_LINGER_MS: z.coerce.number().int().min(0).max(1000).default(5),
    /**
     * The meter-data rules on every stored reading (issue 17). Off, the worker stores readings with the
     * rules of earlier releases (a drop is zero and suspect): the A/B of B6 measures what validation costs.
     */
    WORKER_VALIDATION: bool.default(true),
    /** Largest batch of uplinks in one job. */
    INGEST_BATCH_MAX: z.coerce.number().int().min(1).max(5000).default(500),
    /** How long an ingest node gathers uplinks before queuing them (the latency it adds, at most). */
    INGEST_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1000).default(10),
    /**
     * How long an uplink's de-duplication claim waits for its enqueue before a retry of the same frame
     * may take it over (the first request's node died): until then a retry answers 503 + Retry-After.
     */
    INGEST_CLAIM_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
    /** Batches waiting for a worker above which webhooks answer 503 with Retry-After instead of queuing. */
    INGEST_MAX_BACKLOG: z.coerce.number().int().min(1).default(2000),
    /** How long a worker holds a job before another may take it over (a dead worker's jobs come back after this). */
    WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    /**
     * The job outbox (core/jobs/job-outbox.ts): how old an outbox entry must be before the worker's relay enqueues it
     * (the API enqueues its own at once after the commit; the relay takes what a dead process or absent Redis left),
     * and how often the relay looks.
     */
    JOB_OUTBOX_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    JOB_OUTBOX_RELAY_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Largest webhook body; LoRaWAN and Sigfox uplinks are a few hundred bytes. */
    INGEST_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
    /** How often the worker looks for devices that went silent (cron, worker time zone UTC). */
    NO_SIGNAL_CHECK_CRON: z.string().default('*/5 * * * *'),
    /** A device is offline after this many expected intervals without an uplink. */
    NO_SIGNAL_GRACE_FACTOR: z.coerce.number().min(1).max(48).default(2),
    /**
     * How long an API process waits for requests in flight after SIGTERM before closing Redis and pools; an API
     * or worker process still closing (a worker finishes its jobs in hand) this plus 10 s later exits anyway.
     */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    /** Bearer token Prometheus sends to scrape `/api/metrics` and the worker's port; unset, nothing may scrape. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Port of the worker's own `/metrics` listener (it has no HTTP API); 0 turns it off. */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    WORKER_METRICS_HOST: z.string().default('127.0.0.1'),
    /** Run the MQTT subscriber in the worker (topics application/+/device/+/event/up and water/+/up). */
    MQTT_ENABLED: bool.default(true),
    /** Worker threads that run decoders, per process (default: 2, or 1 on a single core). */
    DECODER_THREADS: z.coerce.number().int().min(1).max(32).default(Math.min(2, availableParallelism())),
    /** Wall-clock budget of one decoder call; the thread is terminated when it passes (a scenario may set its own, up to 1 s). */
    DECODER_TIMEOUT_MS: z.coerce.number().int().min(1).max(1000).default(100),
    /** QuickJS memory of one decoder, in MiB. */
    DECODER_MEMORY_MB: z.coerce.number().int().min(4).max(512).default(32),
    /** Largest import upload (CSV or XLSX); a larger one is cut off with 413 and nothing is kept. */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(67_108_864),
    /** Rows one import may hold; more fail the file (XLSX rows are counted as they unpack, a zip bomb stops here). */
    IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(1_000_000),
    /** Per-row errors an import job keeps for its report; past it rows are still counted. */
    IMPORT_MAX_ERRORS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** Rows of a readings import written per transaction. */
    IMPORT_BATCH_ROWS: z.coerce.number().int().min(1).max(50_000).default(5000),
    /** Days an uploaded import file's content is kept; a daily job deletes older finished uploads (their jobs and reports stay). */
    IMPORT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Where rendered documents (invoice PDFs) are kept: a local directory (a volume) or an S3-compatible bucket. */
    DOCUMENTS_STORAGE: z.enum(['local', 's3']).default('local'),
    /** The local storage's directory (created when missing); relative paths start at the process's directory. */
    DOCUMENTS_DIR: z.string().min(1).default('.data/documents'),
    /** S3-compatible endpoint (MinIO, Ceph, …); unset with DOCUMENTS_STORAGE=s3 means AWS S3 itself. */
    DOCUMENTS_S3_ENDPOINT: z.string().url().optional(),
    DOCUMENTS_S3_REGION: z.string().min(1).default('us-east-1'),
    DOCUMENTS_S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'is not a valid bucket name')
      .optional(),
    /** Static keys; unset, the AWS SDK's usual chain applies (environment, instance role). */
    DOCUMENTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    DOCUMENTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Bucket in the URL path rather than the host name: what MinIO and most self-hosted servers need. */
    DOCUMENTS_S3_FORCE_PATH_STYLE: bool.default(true),
    /** Notifications (issue 19): the SMTP server e-mails go through (smtp://user:pass@host:587, smtps://…); unset, e-mails are suppressed. */
    SMTP_URL: z.string().url().optional(),
    SMTP_FROM: z.string().min(3).default('Su Platformu <no-reply@localhost>'),
    /** Where people reach the console (links in e-mails). */
    PUBLIC_URL: z.string().url().default('http://localhost:3000'),
    /** Where people reach the API (unsubscribe links); the console's origin when a proxy serves /api there. */
    PUBLIC_API_URL: z.string().url().default('http://localhost:3001'),
    /** A user is not told the same thing (dedupe key) again within this many minutes: a flapping alarm tells once. */
    NOTIFY_DEDUPE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    /** Single e-mails per recipient per clock hour; past it they are suppressed (the in-app centre still has them). */
    NOTIFY_EMAIL_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
    /** Attempts of one e-mail or webhook delivery, and the first retry's delay (doubling after). */
    NOTIFY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    NOTIFY_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
    /** Webhooks may reach loopback and private networks (tests, an SMS gateway on the LAN); off, such URLs are refused. */
    NOTIFY_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
    /** When the daily digest goes out (cron, UTC): 05:00 UTC is 08:00 in Istanbul. */
    NOTIFY_DIGEST_CRON: z.string().default('0 5 * * *'),
    /** How long an unsubscribe link works. */
    NOTIFY_UNSUBSCRIBE_DAYS: z.coerce.number().int().min(1).max(365).default(60),
    /** Customer portal (issue 19): how long an e-mailed sign-up or password-reset code works, and wrong tries per code. */
    PORTAL_CODE_TTL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    PORTAL_CODE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    /** How long an operator's invitation code works. */
    PORTAL_INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(72),
    /** The window of the portal's sign-up, password-reset and code-check limits below. */
    PORTAL_CHALLENGE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
    /** Sign-up requests per client address and per subscription number in the window; past them 429. */
    PORTAL_SIGNUP_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
    PORTAL_SIGNUP_MAX_PER_SUBSCRIPTION: z.coerce.number().int().min(1).default(5),
    /** Password-reset requests per client address and per e-mail address in the window. */
    PORTAL_RESET_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
    PORTAL_RESET_MAX_PER_EMAIL: z.coerce.number().int().min(1).default(5),
    /** Code checks (sign-up and reset verification) per client address in the window. */
    PORTAL_VERIFY_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
    /** Sign-up and password-reset starts answer no sooner than this, matched or not, so their timing tells nothing. */
    PORTAL_ANSWER_FLOOR_MS: z.coerce.number().int().min(0).max(5000).default(250),
  })
  .superRefine((c, ctx) => {
    if (c.DOCUMENTS_STORAGE === 's3' && !c.DOCUMENTS_S3_BUCKET)
      ctx.addIssue({ code: 'custom', path: ['DOCUMENTS_S3_BUCKET'], message: 'is required when DOCUMENTS_STORAGE=s3' });
    if (!c.DOCUMENTS_S3_ACCESS_KEY_ID !== !c.DOCUMENTS_S3_SECRET_ACCESS_KEY)
      ctx.addIssue({
        code: 'custom',
        path: [c.DOCUMENTS_S3_ACCESS_KEY_ID ? 'DOCUMENTS_S3_SECRET_ACCESS_KEY' : 'DOCUMENTS_S3_ACCESS_KEY_ID'],
        message: 'is required with the other S3 key (set both or neither)',
      });
    if (c.NODE_ENV === 'production' && !c.JWT_ACCESS_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_ACCESS_SECRET'], message: 'is required in production (at least 32 characters)' });
    }
    if (c.NODE_ENV === 'production' && !c.SECRETS_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRETS_KEY'], message: 'is required in production (at least 32 characters)' });
    }
    if (c.NODE_ENV !== 'production') return;
    // Signing and shared secrets: production refuses values that are public or guessable.
    for (const name of ['JWT_ACCESS_SECRET', 'CONSOLE_PROXY_SECRET', 'SECRETS_KEY'] as const) {
      const problem = weakSecret(c[name]);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${problem}; set a random value of at least 32 characters (openssl rand -base64 48)`,
        });
    }
    if (c.SECRETS_KEY && (c.SECRETS_KEY === c.JWT_ACCESS_SECRET || c.SECRETS_KEY === c.CONSOLE_PROXY_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRETS_KEY'],
        message: 'must differ from JWT_ACCESS_SECRET and CONSOLE_PROXY_SECRET (each is rotated on its own)',
      });
    }
    if (c.CONSOLE_PROXY_SECRET && c.CONSOLE_PROXY_SECRET === c.JWT_ACCESS_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['CONSOLE_PROXY_SECRET'],
        message: 'must differ from JWT_ACCESS_SECRET (the console holds it)',
      });
    }
  });

/** Secret values published in this repository (docker-compose.yml, .env.example, code): never valid in production. */
const PUBLISHED_SECRETS = new Set([
  'dev-only-insecure-jwt-secret-change-me-0123456789',
  'development-only-secret-change-me-0123456789',
  'development-only-secrets-key-change-me-0123456789',
]);

/** Why a production secret is unacceptable, or null. */
function weakSecret(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (PUBLISHED_SECRETS.has(value) || /change-?me|dev-only|insecure/i.test(value)) return 'is a published development default';
  if (value.length < 32) return 'is shorter than 32 characters';
  if (new Set(value).size < 10) return 'has fewer than 10 distinct characters';
  return null;
}

export type AppConfig = z.infer<typeof configSchema> & { JWT_ACCESS_SECRET: string; SECRETS_KEY: string };

/** Development-only keys; production refuses to start without JWT_ACCESS_SECRET and SECRETS_KEY. */
const DEV_JWT_SECRET = 'development-only-secret-change-me-0123456789';
const DEV_SECRETS_KEY = 'development-only-secrets-key-change-me-0123456789';

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Empty variables count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return {
    ...parsed.data,
    JWT_ACCESS_SECRET: parsed.data.JWT_ACCESS_SECRET ?? DEV_JWT_SECRET,
    SECRETS_KEY: parsed.data.SECRETS_KEY ?? DEV_SECRETS_KEY,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
