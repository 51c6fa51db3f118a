import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { DecoderSandbox, MissingSourceError, failure, type SandboxLimits, type SandboxOutput, type SandboxRequest } from './decoder-sandbox';

/**
 * Entry of a decoder thread (decoder-pool.ts starts it): one QuickJS sandbox with its cache of
 * compiled decoders, taking one call at a time from its port. Before each step it writes the step
 * and its deadline to memory shared with the pool, whose watchdog terminates the thread when a
 * deadline passes (QuickJS's own interrupt is not reached everywhere, its regex engine for one).
 */

export interface ThreadData {
  limits: Partial<SandboxLimits>;
  maxCached: number;
  /** Float64Array(2): [0] the phase (0 idle, 1 loading a decoder, 2 calling it), [1] its deadline (ms since the epoch). */
  phase: SharedArrayBuffer;
  port: MessagePort;
}

export interface ThreadJob {
  id: number;
  /** Cache key (scenario id:version); null compiles for this call only. */
  key: string | null;
  /** Omitted when the pool believes the thread has the decoder cached. */
  source?: string;
  req: SandboxRequest;
  timeoutMs: number;
}

export type ThreadMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; output: SandboxOutput; cached: boolean }
  | { type: 'missing'; id: number }
  /** The WebAssembly runtime trapped: the thread ends after this reply and the pool starts another. */
  | { type: 'broken'; reason: string };

export const PHASE = { idle: 0, compile: 1, call: 2 } as const;

function start(data: ThreadData) {
  const phase = new Float64Array(data.phase);
  const port = data.port;
  const ready = DecoderSandbox.create(data.limits, data.maxCached, (p, deadline) => {
    // Deadline first: the watchdog reads the phase, then the deadline.
    phase[1] = deadline;
    phase[0] = p === 'compile' ? PHASE.compile : p === 'call' ? PHASE.call : PHASE.idle;
  });
  const send = (m: ThreadMessage) => port.postMessage(m);
  port.on('message', (job: ThreadJob) => {
    void ready.then((sandbox) => {
      let output: SandboxOutput;
      try {
        output = sandbox.run(job.key, job.source, job.req, job.timeoutMs);
      } catch (e) {
        phase[0] = PHASE.idle;
        if (e instanceof MissingSourceError) return send({ type: 'missing', id: job.id });
        output = failure(job.req.fn, [`decoder sandbox failed: ${e instanceof Error ? e.message : String(e)}`]);
      }
      send({ type: 'result', id: job.id, output, cached: job.key !== null && sandbox.has(job.key) });
      phase[0] = PHASE.idle;
      if (sandbox.broken) {
        send({ type: 'broken', reason: sandbox.broken });
        process.exit(1);
      }
    });
  });
  void ready.then(
    (sandbox) => {
      // The first load in a thread is slow (cold WebAssembly code): take it before saying ready.
      sandbox.run(null, 'function decodeUplink() { return { data: {} }; }', { fn: 'decodeUplink', input: { bytes: [], recvTime: new Date(0) } });
      phase[0] = PHASE.idle;
      send({ type: 'ready' });
    },
    (e: unknown) => {
      // Nothing to run decoders with: end, the pool reports it.
      throw e;
    },
  );
}

if (!isMainThread && workerData && (workerData as Partial<ThreadData>).phase) start(workerData as ThreadData);
