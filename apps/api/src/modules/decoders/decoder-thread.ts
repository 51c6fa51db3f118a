import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import {
  DecoderSandbox,
  MissingSourceError,
  failure,
  type SandboxLimits,
  type SandboxOutput,
  type SandboxRequest,
} from './decoder-sandbox';

/**
 * Entry of a decoder thread (decoder-pool.ts starts it): one QuickJS sandbox with its cache of
 * compiled decoders, taking batches of calls from its port and answering each batch in one message
 * (a message costs the event loop more than a small decode). Before each step it writes the step, its
 * deadline and the call's index in the batch to memory shared with the pool, whose watchdog
 * terminates the thread when a deadline passes (QuickJS's own interrupt is not reached everywhere,
 * its regex engine for one).
 */

export interface ThreadData {
  limits: Partial<SandboxLimits>;
  maxCached: number;
  /** Float64Array(3): [0] the phase (0 idle, 1 loading a decoder, 2 calling it), [1] its deadline (ms since the epoch), [2] the call's index in its batch. */
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

/** The answer to one call: its output, or that the decoder is not cached and its source must come. */
export type ThreadResult = { id: number; output: SandboxOutput; cached: boolean } | { id: number; missing: true };

export type ThreadMessage =
  | { type: 'ready' }
  /**
   * Answers to a batch, in its order. With `broken`, the WebAssembly runtime trapped: the pool ends the
   * thread after this reply (calls after the trap are missing, the pool runs them again on another thread).
   */
  | { type: 'results'; results: ThreadResult[]; broken?: string };

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
  port.on('message', (jobs: ThreadJob[]) => {
    void ready.then((sandbox) => {
      const results: ThreadResult[] = [];
      for (let i = 0; i < jobs.length && !sandbox.broken; i++) {
        const job = jobs[i];
        phase[2] = i;
        let output: SandboxOutput;
        try {
          output = sandbox.run(job.key, job.source, job.req, job.timeoutMs);
        } catch (e) {
          if (e instanceof MissingSourceError) {
            results.push({ id: job.id, missing: true });
            continue;
          }
          output = failure(job.req.fn, [`decoder sandbox failed: ${e instanceof Error ? e.message : String(e)}`]);
        }
        results.push({ id: job.id, output, cached: job.key !== null && sandbox.has(job.key) });
      }
      send(sandbox.broken ? { type: 'results', results, broken: sandbox.broken } : { type: 'results', results });
      phase[0] = PHASE.idle;
      // The pool ends this thread once it has the reply (exiting here could overtake the reply on its port,
      // and the pool would read the exit as a crash of the whole batch); this is only the fallback.
      if (sandbox.broken) setTimeout(() => process.exit(1), 5_000);
    });
  });
  void ready.then(
    (sandbox) => {
      // The first load in a thread is slow (cold WebAssembly code): take it before saying ready.
      sandbox.run(null, 'function decodeUplink() { return { data: {} }; }', {
        fn: 'decodeUplink',
        input: { bytes: [], recvTime: new Date(0) },
      });
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
