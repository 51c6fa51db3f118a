import { Logger as NestLogger, type INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { ConfigError, loadConfig, type AppConfig } from '../config/config';

// Nest's logger with a context, as everywhere else: it writes through the app's pino logger once attached.
const logger = new NestLogger('process');

/** EX_CONFIG (sysexits.h): the process was started with a bad or missing setting. */
export const EXIT_CONFIG = 78;

export interface ProcessEntry<A extends INestApplicationContext> {
  /** Builds the process's Nest application (`bufferLogs: true`, `abortOnError: false`, so failures reach the log). */
  create(config: AppConfig): Promise<A>;
  /**
   * Starts taking work once shutdown is wired (the API listens). The worker has none: Nest initialises an
   * application context as it creates it, which starts its consumers.
   */
  start?(app: A, config: AppConfig): Promise<void>;
}

/**
 * What the API (main.ts) and the worker (worker.ts) do alike around their own start: read the configuration
 * (a bad value stops with a message naming it, exit 78), log through pino, close gracefully on SIGTERM/SIGINT,
 * and end with one structured line and exit 1 when the start or anything later fails unhandled. Metrics
 * come with the modules (MetricsService in both, the HTTP timings in createApp).
 */
export function runProcess<A extends INestApplicationContext>(entry: ProcessEntry<A>): void {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  let logging = false;
  const fail = (message: string) => (err: unknown) => {
    // Before the app's logger is attached (a failed start), a plain pino logger writes the same JSON line.
    if (logging) logger.fatal({ err }, message);
    else pino({ level: config.LOG_LEVEL }, pino.destination({ dest: 1, sync: true })).fatal({ err }, message);
    process.exit(1);
  };
  process.once('uncaughtException', fail('uncaught exception'));
  process.once('unhandledRejection', fail('unhandled rejection'));
  void (async () => {
    const app = await entry.create(config);
    app.useLogger(app.get(Logger));
    logging = true;
    closeGracefullyOn(app, config.SHUTDOWN_GRACE_MS);
    await entry.start?.(app, config);
  })().catch(fail('failed to start'));
}

/**
 * SIGTERM/SIGINT: stop accepting connections and let the requests in flight finish (within `graceMs`)
 * first, and only then close the modules: consumers finish the jobs in hand, then queues, Redis and the
 * pools close. Nest's own shutdown hooks close the modules before the HTTP server, so requests still
 * running would fail on a closed Redis. A process that cannot finish in time is ended.
 */
export function closeGracefullyOn(app: INestApplicationContext, graceMs: number, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let closing = false;
  const close = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), graceMs + 10_000).unref();
    if (isHttpApp(app)) {
      const drained = app.getHttpAdapter().getInstance().close();
      await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs).unref())]);
    }
    await app.close();
    process.exit(0);
  };
  for (const signal of signals) process.once(signal, (s) => void close(s));
}

function isHttpApp(app: INestApplicationContext): app is NestFastifyApplication {
  return typeof (app as Partial<NestFastifyApplication>).getHttpAdapter === 'function';
}
