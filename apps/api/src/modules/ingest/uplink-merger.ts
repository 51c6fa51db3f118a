import type { UplinkEnvelope } from '../../core/jobs/jobs.types';
import type { BatchResult } from './uplink.processor';

interface Waiting {
  uplinks: UplinkEnvelope[];
  resolve: (result: BatchResult) => void;
  reject: (err: unknown) => void;
}

/** A group's two steps: `prepare` needs no transaction (decoding), `write` is the transaction. */
export interface MergeStages<P> {
  prepare: (uplinks: UplinkEnvelope[]) => Promise<P>;
  write: (prepared: P) => Promise<BatchResult>;
}

/**
 * Group commit for uplink jobs: a job that arrives while a batch is being stored waits, and every job
 * waiting then is stored together in the next transaction (up to `maxUplinks`). An idle worker waits
 * `lingerMs` for the jobs BullMQ is fetching alongside (they come one Redis round trip apart), so under
 * load the statements' fixed cost is shared by more uplinks and jobs of the same devices stop queueing
 * on each other's row locks. Each job settles with its group, after the commit: a worker killed before
 * that leaves its jobs to BullMQ's retry.
 *
 * With two stages, the next group is prepared (decoded) while the previous one is written: at most two
 * groups are in flight, one preparing or prepared and one writing, and groups are written one at a time in
 * the order they were formed, so a device's frames are stored in the order they arrived as before.
 */
export class UplinkMerger<P = UplinkEnvelope[]> {
  private readonly waiting: Waiting[] = [];
  private readonly stages: MergeStages<P>;
  /** Groups taken and not yet written. */
  private inFlight = 0;
  private preparing = false;
  /** The last group's write (settled either way): the next group's write starts after it. */
  private written: Promise<unknown> = Promise.resolve();
  private lingering?: NodeJS.Timeout;

  constructor(
    store: ((uplinks: UplinkEnvelope[]) => Promise<BatchResult>) | MergeStages<P>,
    private readonly maxUplinks: number,
    private readonly lingerMs = 0,
  ) {
    this.stages =
      typeof store === 'function'
        ? ({ prepare: async (uplinks: UplinkEnvelope[]) => uplinks, write: store } as unknown as MergeStages<P>)
        : store;
  }

  submit(uplinks: UplinkEnvelope[]): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ uplinks, resolve, reject });
      if (this.lingering) return;
      if (this.inFlight === 0 && this.lingerMs > 0 && this.waitingUplinks() < this.maxUplinks)
        this.lingering = setTimeout(() => this.next(), this.lingerMs);
      else this.next();
    });
  }

  private waitingUplinks(): number {
    return this.waiting.reduce((n, w) => n + w.uplinks.length, 0);
  }

  private next(): void {
    clearTimeout(this.lingering);
    this.lingering = undefined;
    if (this.preparing || this.inFlight >= 2 || !this.waiting.length) return;
    const group: Waiting[] = [this.waiting.shift()!];
    let n = group[0].uplinks.length;
    while (this.waiting.length && n + this.waiting[0].uplinks.length <= this.maxUplinks) {
      const w = this.waiting.shift()!;
      group.push(w);
      n += w.uplinks.length;
    }
    this.inFlight++;
    this.preparing = true;
    const prepared = this.stages.prepare(group.length === 1 ? group[0].uplinks : group.flatMap((g) => g.uplinks));
    const before = this.written;
    const done = Promise.all([prepared, before]).then(([p]) => this.stages.write(p));
    // A group that fails early (its decoding) must not let the next write overtake the one before it.
    this.written = Promise.all([done.catch(() => undefined), before]);
    prepared
      .catch(() => undefined)
      .finally(() => {
        this.preparing = false;
        this.next();
      });
    done
      .then(
        (result) => group.forEach((g) => g.resolve(result)),
        (err: unknown) => group.forEach((g) => g.reject(err)),
      )
      .finally(() => {
        this.inFlight--;
        this.next();
      });
  }
}
