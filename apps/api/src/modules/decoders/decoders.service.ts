import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { DecoderSandbox, type DecodeInput, type DecodeOutput } from './decoder-sandbox';

/** One sandbox per process, created on first use. */
@Injectable()
export class DecodersService implements OnModuleDestroy {
  private sandbox?: Promise<DecoderSandbox>;

  private get(): Promise<DecoderSandbox> {
    this.sandbox ??= DecoderSandbox.create();
    return this.sandbox;
  }

  async decode(scenario: { id: string; version: number; decoderSource: string }, input: DecodeInput): Promise<DecodeOutput> {
    return (await this.get()).decode(`${scenario.id}:${scenario.version}`, scenario.decoderSource, input);
  }

  async test(source: string, input: DecodeInput): Promise<DecodeOutput> {
    return (await this.get()).test(source, input);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sandbox) (await this.sandbox).dispose();
  }
}
