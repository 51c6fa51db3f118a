import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { QueueName } from '../jobs/jobs.types';
import { LiveEventsService } from '../realtime/live-events.service';
import { collectProcessMetrics, registry, sources, type MetricSources } from './metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Whether a scrape carries the metrics token (`Authorization: Bearer <METRICS_TOKEN>`). Without a
 * configured token nothing may scrape: the API port is the public one the network servers post to.
 */
export function scrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(authorization.slice(7)), digest(token));
}

/** Wires this process's queues and live sockets into the metrics read at each scrape (the database pools add themselves). */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  private readonly source: MetricSources;

  constructor(jobs: JobsService, @Optional() live?: LiveEventsService) {
    this.source = {
      queues: () =>
        Promise.all(
          Object.values(QueueName).map(async (queue) => ({
            queue,
            counts: await jobs.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'failed'),
          })),
        ),
      sockets: () => live?.connectedClients() ?? 0,
    };
  }

  onModuleInit(): void {
    collectProcessMetrics();
    sources.add(this.source);
  }

  onModuleDestroy(): void {
    sources.delete(this.source);
  }

  /** The Prometheus text exposition of this process. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
}

/**
 * The worker has no HTTP API: it serves `/metrics` on a port of its own (WORKER_METRICS_PORT, off at
 * 0), behind the same token as the API's.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('metrics');
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.WORKER_METRICS_PORT) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      if (!scrapeAllowed(req.headers.authorization, this.config.METRICS_TOKEN)) {
        res
          .writeHead(401, { 'content-type': 'text/plain' })
          .end(this.config.METRICS_TOKEN ? 'bad or missing metrics token\n' : 'metrics need METRICS_TOKEN to be set\n');
        return;
      }
      this.metrics.exposition().then(
        ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
        (err: Error) => {
          this.logger.error({ err: err.message }, 'metrics scrape failed');
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.WORKER_METRICS_PORT, this.config.WORKER_METRICS_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({ port: this.config.WORKER_METRICS_PORT, host: this.config.WORKER_METRICS_HOST }, 'worker metrics listening');
  }

  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
