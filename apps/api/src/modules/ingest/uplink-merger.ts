import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import type { BatchResult } from './uplink.processor';

interface Waiting {
  uplinks: UplinkEnvelope[];
  resolve: (result: BatchResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for uplink jobs: a job that arrives while a batch is being stored waits, and every job
 * waiting then is stored together in the next transaction (up to `maxUplinks`). An idle worker waits
 * `lingerMs` for the jobs BullMQ is fetching alongside (they come one Redis round trip apart), so under
 * load the statements' fixed cost is shared by more uplinks and jobs of the same devices stop queueing
 * on each other's row locks. Each job settles with its group, after the commit: a worker killed before
 * that leaves its jobs to BullMQ's retry.
 */
export class UplinkMerger {
  private readonly waiting: Waiting[] = [];
  private running = false;
  private lingering?: NodeJS.Timeout;

  constructor(
    private readonly store: (uplinks: UplinkEnvelope[]) => Promise<BatchResult>,
    private readonly maxUplinks: number,
    private readonly lingerMs = 0,
  ) {}

  submit(uplinks: UplinkEnvelope[]): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ uplinks, resolve, reject });
      if (this.running || this.lingering) return;
      if (this.lingerMs > 0 && this.waitingUplinks() < this.maxUplinks) this.lingering = setTimeout(() => this.next(), this.lingerMs);
      else this.next();
    });
  }

  private waitingUplinks(): number {
    return this.waiting.reduce((n, w) => n + w.uplinks.length, 0);
  }

  private next(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (this.running || !this.waiting.length) return;
    const group: Waiting[] = [this.waiting.shift()!];
    let n = group[0].uplinks.length;
    while (this.waiting.length && n + this.waiting[0].uplinks.length <= this.maxUplinks) {
      const w = this.waiting.shift()!;
      group.push(w);
      n += w.uplinks.length;
    }
    this.running = true;
    this.store(group.length === 1 ? group[0].uplinks : group.flatMap((g) => g.uplinks))
      .then(
        (result) => group.forEach((g) => g.resolve(result)),
        (err: unknown) => group.forEach((g) => g.reject(err)),
      )
      .finally(() => {
        this.running = false;
        this.next();
      });
  }
}
