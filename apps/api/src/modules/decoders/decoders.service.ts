import { availableParallelism } from 'node:os';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { sources } from '../../core/metrics/metrics';
import { DecoderPool, type DecoderPoolStats } from './decoder-pool';
import type {
  DecodeInput,
  DecodeOutput,
  DecoderFunction,
  DownlinkDecodeInput,
  EncodeInput,
  OutputOf,
  SandboxRequest,
} from './decoder-sandbox';

/** A message scenario as the decoders see it; `timeoutMs` is its own budget per call (default the pool's). */
export interface DecoderScenario {
  id: string;
  version: number;
  decoderSource: string;
  timeoutMs?: number | null;
}

export type InputOf<F extends DecoderFunction> = F extends 'decodeUplink'
  ? DecodeInput
  : F extends 'decodeDownlink'
    ? DownlinkDecodeInput
    : EncodeInput;

/**
 * Decoders of the process, run in a pool of worker threads (decoder-pool.ts) created on first use:
 * a decoder that loops, allocates or recurses costs its own budget and a thread, never the event loop.
 */
@Injectable()
export class DecodersService implements OnModuleDestroy {
  private pool?: DecoderPool;
  /** The pool's counters in this process's metrics. */
  private readonly metrics = { decoders: () => this.stats() };

  constructor(@Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig) {
    sources.add(this.metrics);
  }

  private get(): DecoderPool {
    this.pool ??= new DecoderPool({
      size: this.config?.DECODER_THREADS ?? Math.min(2, availableParallelism()),
      limits: {
        timeoutMs: this.config?.DECODER_TIMEOUT_MS ?? 100,
        memoryBytes: (this.config?.DECODER_MEMORY_MB ?? 32) * 1024 * 1024,
      },
    });
    return this.pool;
  }

  /** decodeUplink of a stored scenario, its compiled decoder cached per thread by id and version. */
  decode(scenario: DecoderScenario, input: DecodeInput): Promise<DecodeOutput> {
    return this.get().run(
      `${scenario.id}:${scenario.version}`,
      scenario.decoderSource,
      { fn: 'decodeUplink', input },
      scenario.timeoutMs ?? undefined,
    );
  }

  /** Compiles and runs decodeUplink once without caching (the console's test panel). */
  test(source: string, input: DecodeInput, timeoutMs?: number): Promise<DecodeOutput> {
    return this.call('decodeUplink', source, input, timeoutMs);
  }

  /** Any of a decoder's TS013 functions, compiled for this call only. */
  call<F extends DecoderFunction>(fn: F, source: string, input: InputOf<F>, timeoutMs?: number): Promise<OutputOf<F>> {
    return this.get().run(null, source, { fn, input } as Extract<SandboxRequest, { fn: F }>, timeoutMs);
  }

  stats(): DecoderPoolStats | null {
    return this.pool?.stats() ?? null;
  }

  async onModuleDestroy(): Promise<void> {
    sources.delete(this.metrics);
    await this.pool?.close();
  }
}
