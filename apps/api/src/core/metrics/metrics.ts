import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics. One registry a process: the API and the worker each expose theirs
 * (`/api/metrics`, and the worker's own port); Nest applications sharing a process (tests) share it.
 * Names follow Prometheus conventions: `water_` prefix, base units (seconds), `_total` counters.
 */
export const registry = new Registry();

let processMetrics = false;
/** Node's own figures (event-loop lag, heap, GC, CPU, handles), once a process. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
}

const registers = [registry];

export const httpRequestDuration = new Histogram({
  name: 'water_http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status, with their latency',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

/** Outcomes: accepted, duplicate, shed (backlog 503), held (same frame being queued, 503), unknown_device, unauthenticated, refused (4xx). */
export const ingestUplinks = new Counter({
  name: 'water_ingest_uplinks_total',
  help: 'Uplinks received from network servers, by integration kind and outcome',
  labelNames: ['kind', 'outcome'] as const,
  registers,
});

export const decodeDuration = new Histogram({
  name: 'water_decode_duration_seconds',
  help: 'Decoder calls in the worker, wall clock including the thread hand-off, by outcome (ok, failed)',
  labelNames: ['outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  registers,
});

/** Reasons: timeout, memory, no_scenario, decoder_error (the decoder threw or returned errors), no_data. */
export const decodeFailures = new Counter({
  name: 'water_decode_failures_total',
  help: 'Uplinks whose decoding failed, by reason',
  labelNames: ['reason'] as const,
  registers,
});

export const batchUplinks = new Histogram({
  name: 'water_worker_batch_uplinks',
  help: 'Uplinks in each batch the worker stores',
  buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
  registers,
});

export const storeDuration = new Histogram({
  name: 'water_worker_store_duration_seconds',
  help: 'Time to store one batch (its transactions, halvings included)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});

/** Outcomes: stored, duplicate, decode_failed, no_reading, unknown_device, store_failed. */
export const workerUplinks = new Counter({
  name: 'water_worker_uplinks_total',
  help: 'Uplinks the worker finished, by outcome',
  labelNames: ['outcome'] as const,
  registers,
});

export const liveEvents = new Counter({
  name: 'water_live_events_total',
  help: 'Live events published to the consoles, by event name',
  labelNames: ['event'] as const,
  registers,
});

/** Figures read from the process's services when Prometheus scrapes (see MetricsService). */
export interface MetricSources {
  /** Jobs per queue and state (waiting, active, delayed, failed). */
  queues?: () => Promise<{ queue: string; counts: Record<string, number> }[]>;
  pool?: () => { total: number; idle: number; waiting: number };
  sockets?: () => number;
  /** The decoder thread pool's counters, once it started. */
  decoders?: () => { threads: number; timeouts: number; crashes: number; queued: number; skipped: number } | null;
}

export const sources = new Set<MetricSources>();

new Gauge({
  name: 'water_queue_jobs',
  help: 'BullMQ jobs per queue and state',
  labelNames: ['queue', 'state'] as const,
  registers,
  async collect() {
    this.reset();
    for (const s of sources) {
      for (const { queue, counts } of (await s.queues?.()) ?? []) {
        for (const [state, n] of Object.entries(counts)) this.inc({ queue, state }, n);
      }
    }
  },
});

new Gauge({
  name: 'water_db_pool_connections',
  help: 'PostgreSQL pool connections by state (in_use, idle) and requests waiting for one (waiting)',
  labelNames: ['state'] as const,
  registers,
  collect() {
    this.reset();
    for (const s of sources) {
      const p = s.pool?.();
      if (!p) continue;
      this.inc({ state: 'in_use' }, p.total - p.idle);
      this.inc({ state: 'idle' }, p.idle);
      this.inc({ state: 'waiting' }, p.waiting);
    }
  },
});

new Gauge({
  name: 'water_live_clients',
  help: 'Socket.io clients connected to this API process',
  registers,
  collect() {
    let n = 0;
    for (const s of sources) n += s.sockets?.() ?? 0;
    this.set(n);
  },
});

new Gauge({
  name: 'water_decoder_threads',
  help: 'Decoder worker threads of this process: running (threads), calls waiting for one (queued)',
  labelNames: ['state'] as const,
  registers,
  collect() {
    this.reset();
    for (const s of sources) {
      const d = s.decoders?.();
      if (!d) continue;
      this.inc({ state: 'threads' }, d.threads);
      this.inc({ state: 'queued' }, d.queued);
    }
  },
});

/** Counted by the pool since the process started; exposed as counters read at scrape time. */
new Counter({
  name: 'water_decoder_stops_total',
  help: 'Decoder calls stopped by a limit, by reason: timeout (thread terminated past its deadline), crash (thread ended on its own), skipped (not run: its decoder was stopped 3 times in a row)',
  labelNames: ['reason'] as const,
  registers,
  collect() {
    this.reset();
    for (const s of sources) {
      const d = s.decoders?.();
      if (!d) continue;
      this.inc({ reason: 'timeout' }, d.timeouts);
      this.inc({ reason: 'crash' }, d.crashes);
      this.inc({ reason: 'skipped' }, d.skipped);
    }
  },
});
