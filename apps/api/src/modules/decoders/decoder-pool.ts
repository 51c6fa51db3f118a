import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  DEFAULT_LIMITS,
  MAX_TIMEOUT_MS,
  failure,
  limitError,
  type DecoderFunction,
  type OutputOf,
  type SandboxLimits,
  type SandboxOutput,
  type SandboxRequest,
} from './decoder-sandbox';
import { PHASE, type ThreadData, type ThreadJob, type ThreadMessage, type ThreadResult } from './decoder-thread';

export interface DecoderPoolOptions {
  /** Threads; each holds its own QuickJS module and cache of compiled decoders. */
  size: number;
  limits?: Partial<SandboxLimits>;
  /** Compiled decoders each thread keeps (least recently used go first). */
  maxCachedPerThread?: number;
  /** V8 heap of a thread (its QuickJS memory is capped by limits.memoryBytes per decoder). */
  threadHeapMb?: number;
  /** Time past a deadline before the thread is terminated (QuickJS's own interrupt usually stops it first). */
  graceMs?: number;
  /** Most calls sent to a thread in one message when calls wait (one message per call costs the event loop more than a small decode). */
  batchMax?: number;
  /** Calls of one cached decoder stopped in a row (timeout, memory, stack) after which it is not run for a while… */
  strikes?: number;
  /** …this long (ms): a flood of uplinks for a broken decoder must not keep the threads busy or restarting. */
  quarantineMs?: number;
}

export interface DecoderPoolStats {
  threads: number;
  /** Threads terminated for running past a deadline. */
  timeouts: number;
  /** Threads that ended on their own (heap limit, a trapped runtime, a crash). */
  crashes: number;
  /** Threads started, the first ones included. */
  started: number;
  queued: number;
  /** Calls answered without running: their decoder was stopped too often in a row. */
  skipped: number;
}

interface Job {
  id: number;
  key: string | null;
  source: string;
  req: SandboxRequest;
  timeoutMs: number;
  /** The thread said it does not have the decoder: send its source whatever the pool believes. */
  needsSource?: boolean;
  resolve: (out: SandboxOutput) => void;
}

/** One thread of the pool. */
class Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly phase: Float64Array;
  ready = false;
  /** Ending: takes no more jobs. */
  closing = false;
  /** The batch the thread is running, in order (null: idle). */
  jobs: Job[] | null = null;
  timer: NodeJS.Timeout | null = null;
  /** Patience left while the thread has not yet started its job. */
  idleChecks = 0;
  /** The decoders the thread has cached, as far as the pool knows (it tells after each call). */
  readonly keys = new Map<string, true>();
  /** Set when the pool ends the thread, so the exit is not reported as a crash. */
  killed = false;
  error: Error | null = null;

  constructor(file: string, data: Omit<ThreadData, 'phase' | 'port'>, heapMb: number) {
    const shared = new SharedArrayBuffer(24);
    this.phase = new Float64Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData: ThreadData = { ...data, phase: shared, port: port2 };
    const options = {
      workerData,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    };
    if (file.endsWith('.ts')) {
      // Under the test runner the sources are TypeScript: the thread compiles them with tsx.
      const tsx = createRequire(__filename).resolve('tsx/cjs');
      this.worker = new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, { ...options, eval: true });
    } else {
      this.worker = new Worker(file, options);
    }
    this.worker.unref();
    this.port.unref();
  }
}

function threadFile(): string {
  // Compiled (dist/…/decoder-pool.js) next to decoder-thread.js; under vitest, the .ts sources.
  return join(__dirname, __filename.endsWith('.ts') ? 'decoder-thread.ts' : 'decoder-thread.js');
}

/**
 * A small pool of worker threads that run decoders off the event loop, each call with a wall-clock
 * budget: the thread writes where it is and its deadline to shared memory, and a watchdog timer
 * terminates the thread when the deadline passes (plus a little grace for QuickJS's own interrupt),
 * answers the call with a `timeout` error and starts a fresh thread. A thread that dies of its heap
 * limit answers `memory`. Calls wait in a queue for a free thread; one whose decoder a free thread
 * already has compiled goes there.
 */
export class DecoderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly file = threadFile();
  private readonly limits: SandboxLimits;
  private readonly maxCached: number;
  private readonly heapMb: number;
  private readonly graceMs: number;
  private readonly batchMax: number;
  private nextId = 1;
  private closed = false;
  /** Threads that ended before they were ready, in a row: a broken setup, not a bad decoder. */
  private startFailures = 0;
  private readonly counters = { timeouts: 0, crashes: 0, started: 0, skipped: 0 };
  /** Cached decoders stopped by a limit in a row, with the last error and until when they are not run. */
  private readonly strikes = new Map<string, { count: number; error: string; until: number }>();
  private readonly maxStrikes: number;
  private readonly quarantineMs: number;

  constructor(readonly options: DecoderPoolOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.maxCached = options.maxCachedPerThread ?? 100;
    this.heapMb = options.threadHeapMb ?? 128;
    this.graceMs = options.graceMs ?? 20;
    this.batchMax = Math.max(1, options.batchMax ?? 32);
    this.maxStrikes = options.strikes ?? 3;
    this.quarantineMs = options.quarantineMs ?? 60_000;
    for (let i = 0; i < Math.max(1, options.size); i++) this.slots.push(this.spawn());
  }

  /**
   * Calls `req.fn` of the decoder `source`, cached in the threads under `key` (null: compiled for
   * this call only). `timeoutMs` is the call's budget (default the pool's, at most 1 s); loading
   * a decoder has its own (limits.compileTimeoutMs).
   */
  run<F extends DecoderFunction>(
    key: string | null,
    source: string,
    req: Extract<SandboxRequest, { fn: F }>,
    timeoutMs?: number,
  ): Promise<OutputOf<F>> {
    if (this.closed) return Promise.resolve(failure(req.fn, ['decoder pool is closed']));
    const budget = Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.round(timeoutMs ?? this.limits.timeoutMs)));
    const strike = key === null ? undefined : this.strikes.get(key);
    if (strike && strike.until > Date.now()) {
      this.counters.skipped++;
      const again = new Date(strike.until).toISOString();
      return Promise.resolve(
        failure(req.fn, [`${strike.error} (not run: stopped ${strike.count} times in a row, runs again from ${again})`]),
      );
    }
    return new Promise<OutputOf<F>>((resolve) => {
      const done = (out: SandboxOutput) => {
        if (key !== null) this.score(key, out);
        resolve(out as OutputOf<F>);
      };
      this.queue.push({ id: this.nextId++, key, source, req, timeoutMs: budget, resolve: done });
      this.pump();
    });
  }

  /** Counts a cached decoder's limit failures in a row; any other answer clears them. */
  private score(key: string, out: SandboxOutput) {
    const limit = out.errors.find((e) => /^(decoder failed to load: )?(timeout|memory|stack overflow):/.test(e));
    if (!limit) {
      this.strikes.delete(key);
      return;
    }
    const count = (this.strikes.get(key)?.count ?? 0) + 1;
    this.strikes.set(key, { count, error: limit, until: count >= this.maxStrikes ? Date.now() + this.quarantineMs : 0 });
    // Bounded: a key seen once and never again does not stay forever.
    if (this.strikes.size > 10_000) this.strikes.delete(this.strikes.keys().next().value as string);
  }

  stats(): DecoderPoolStats {
    return { threads: this.slots.length, ...this.counters, queued: this.queue.length };
  }

  /** Resolves when every thread is ready (tests and warm-up). */
  async ready(): Promise<void> {
    while (!this.closed && this.slots.some((s) => !s.ready)) await new Promise((r) => setTimeout(r, 10));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.resolve(failure(job.req.fn, ['decoder pool is closed']));
    await Promise.all(
      this.slots.map((s) => {
        s.closing = true;
        s.killed = true;
        if (s.timer) clearTimeout(s.timer);
        for (const job of s.jobs ?? []) job.resolve(failure(job.req.fn, ['decoder pool is closed']));
        s.jobs = null;
        s.port.close();
        return s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const slot = new Slot(this.file, { limits: this.limits, maxCached: this.maxCached }, this.heapMb);
    this.counters.started++;
    slot.port.on('message', (m: ThreadMessage) => this.onMessage(slot, m));
    slot.worker.on('error', (e) => {
      slot.error = e;
    });
    slot.worker.on('exit', () => this.onExit(slot));
    return slot;
  }

  private pump() {
    while (this.queue.length) {
      const idle = this.slots.filter((s) => s.ready && !s.closing && !s.jobs);
      if (!idle.length) return;
      // The next call goes to a free thread that has its decoder compiled, if any, with the calls after it:
      // waiting calls are shared among the free threads, at most batchMax to a message.
      const key = this.queue[0].key;
      const slot = (key !== null && idle.find((s) => s.keys.has(key))) || idle[0];
      const n = Math.min(this.batchMax, Math.ceil(this.queue.length / idle.length));
      this.send(slot, this.queue.splice(0, n));
    }
  }

  private send(slot: Slot, jobs: Job[]) {
    slot.jobs = jobs;
    slot.idleChecks = 0;
    // Idle until the thread writes its first deadline.
    slot.phase[0] = PHASE.idle;
    slot.phase[2] = 0;
    // A decoder's source goes once per batch, and not at all when the thread has it compiled.
    const sent = new Set<string>();
    const message: ThreadJob[] = jobs.map((job) => {
      const has = job.key !== null && !job.needsSource && (slot.keys.has(job.key) || sent.has(job.key));
      if (job.key !== null) sent.add(job.key);
      return { id: job.id, key: job.key, source: has ? undefined : job.source, req: job.req, timeoutMs: job.timeoutMs };
    });
    slot.port.postMessage(message);
    this.arm(slot, jobs[0].timeoutMs + this.graceMs);
  }

  private arm(slot: Slot, ms: number) {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => this.watch(slot), Math.max(1, ms));
  }

  /** The watchdog: runs when a call may have passed its deadline. */
  private watch(slot: Slot) {
    slot.timer = null;
    const jobs = slot.jobs;
    if (!jobs) return;
    // A reply may be waiting behind this timer in the event loop: take it now, synchronously.
    for (let m = receiveMessageOnPort(slot.port); m; m = receiveMessageOnPort(slot.port)) this.onMessage(slot, m.message as ThreadMessage);
    if (slot.jobs !== jobs) return;
    const phase = slot.phase[0];
    const deadline = slot.phase[1];
    const index = Math.min(jobs.length - 1, Math.max(0, slot.phase[2]));
    const job = jobs[index];
    const now = Date.now();
    if (phase === PHASE.idle) {
      // The thread has not started the batch yet (a pause of the whole process): give it one more budget.
      if (slot.idleChecks++ < 1) return this.arm(slot, job.timeoutMs + this.graceMs);
    } else if (now < deadline + this.graceMs) {
      return this.arm(slot, deadline + this.graceMs - now);
    }
    this.counters.timeouts++;
    const text =
      phase === PHASE.compile
        ? `decoder failed to load: ${limitError.timeout(this.limits.compileTimeoutMs)}`
        : limitError.timeout(job.timeoutMs);
    slot.jobs = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    // The others of the batch run again elsewhere (those before it were done, but their answers went with the thread).
    this.queue.unshift(...jobs.filter((j) => j !== job));
    job.resolve(failure(job.req.fn, [text]));
    this.retire(slot);
    this.pump();
  }

  private onMessage(slot: Slot, m: ThreadMessage) {
    switch (m.type) {
      case 'ready':
        slot.ready = true;
        this.startFailures = 0;
        this.pump();
        return;
      case 'results':
        if (m.broken) {
          // Its runtime trapped: nothing more goes to it, it is ended here once its reply is read (not by
          // itself, which could overtake the reply), and its replacement starts on exit.
          slot.closing = true;
          slot.killed = true;
          this.counters.crashes++;
        }
        this.onResults(slot, m.results);
        if (m.broken) void slot.worker.terminate();
        return;
    }
  }

  private onResults(slot: Slot, results: ThreadResult[]) {
    const jobs = slot.jobs;
    if (!jobs) return;
    slot.jobs = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const again: Job[] = [];
    for (const r of results) {
      const job = byId.get(r.id);
      if (!job) continue;
      byId.delete(r.id);
      if ('missing' in r) {
        // The thread no longer has it (the pool's view was behind): again, with its source.
        if (job.key !== null) slot.keys.delete(job.key);
        job.needsSource = true;
        again.push(job);
        continue;
      }
      if (job.key !== null) {
        slot.keys.delete(job.key);
        if (r.cached) slot.keys.set(job.key, true);
        while (slot.keys.size > this.maxCached) slot.keys.delete(slot.keys.keys().next().value as string);
      }
      job.resolve(r.output);
    }
    // Calls the thread did not reach (it trapped on one before them) run again.
    this.queue.unshift(...again, ...byId.values());
    this.pump();
  }

  /** Terminates a thread and starts its replacement at once. */
  private retire(slot: Slot) {
    slot.closing = true;
    slot.killed = true;
    slot.port.close();
    void slot.worker.terminate();
    this.replace(slot);
  }

  private onExit(slot: Slot) {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const wasReady = slot.ready;
    const jobs = slot.jobs;
    slot.jobs = null;
    if (slot.killed) {
      // Ended by the pool or after a trap it reported: what it still held never ran; it runs elsewhere.
      if (jobs) this.queue.unshift(...jobs);
    } else {
      this.counters.crashes++;
      if (jobs) {
        // The call it died on is answered; the others of its batch run again elsewhere.
        const index = Math.min(jobs.length - 1, Math.max(0, slot.phase[2]));
        const job = jobs[index];
        const oom = (slot.error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        const text = oom ? limitError.memory(this.limits.memoryBytes) : `decoder thread stopped: ${slot.error?.message ?? 'exited'}`;
        this.queue.unshift(...jobs.filter((j) => j !== job));
        job.resolve(failure(job.req.fn, [text]));
      }
    }
    if (!wasReady && !slot.killed) this.startFailures++;
    if (this.slots.includes(slot)) this.replace(slot);
    this.pump();
  }

  private replace(slot: Slot) {
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.closed) return;
    if (this.startFailures >= 3) {
      // Threads cannot start (a missing file, a broken install): answer what waits, try again later.
      const reason = slot.error?.message ?? 'exited before it was ready';
      for (const job of this.queue.splice(0)) job.resolve(failure(job.req.fn, [`decoder threads cannot start: ${reason}`]));
      this.slots.splice(i, 1);
      const retry = setTimeout(() => {
        if (this.closed) return;
        this.slots.push(this.spawn());
      }, 1000);
      retry.unref();
      return;
    }
    this.slots[i] = this.spawn();
  }
}
