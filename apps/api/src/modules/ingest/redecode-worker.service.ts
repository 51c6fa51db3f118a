import { Injectable, Logger } from '@nestjs/common';
import {
  JobName,
  JobStatus,
  type JobContext,
  type RedecodeProgress,
  type RedecodeRequest,
  type UplinkEnvelope,
} from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { UplinkProcessor } from './uplink.processor';
import { UplinkRepository, type StoredUplink } from './uplink.repository';

/** Uplinks re-decoded per batch (one transaction each, as ingest batches). */
const CHUNK = 500;

const SOURCES = new Set<UplinkEnvelope['source']>([
  'ttn',
  'chirpstack',
  'sigfox',
  'generic',
  'mqtt-chirpstack',
  'mqtt-generic',
  'simulator',
]);

/** A stored uplink as the envelope it arrived in. */
export function envelopeOf(u: StoredUplink): UplinkEnvelope {
  const { source, ...rx } = u.rx ?? {};
  return {
    deviceId: u.deviceId,
    tenantId: u.tenantId,
    integrationId: u.integrationId,
    receivedAt: u.receivedAt.toISOString(),
    deviceTime: u.deviceTime ? u.deviceTime.toISOString() : null,
    fPort: u.fPort,
    fCnt: u.fCnt,
    payloadHex: u.payloadHex,
    rx: Object.keys(rx).length ? rx : null,
    source: SOURCES.has(source as UplinkEnvelope['source']) ? (source as UplinkEnvelope['source']) : 'generic',
  };
}

/**
 * Runs operators' re-decode requests in the worker: the matching stored uplinks, oldest first, in
 * batches through the normal processor (readings, rollups, alarms, live events), each uplink's decode
 * result replaced. Progress (done/stored/failed of total) is the job's, for the console to poll.
 */
@Injectable()
export class RedecodeWorkerService {
  private readonly logger = new Logger('redecode');

  constructor(
    private readonly processor: UplinkProcessor,
    private readonly repository: UplinkRepository,
  ) {}

  /** The run's counts are its progress (the last update is the final one), which the API reads. */
  @OnJob({ name: JobName.RedecodeUplinks })
  async run(request: RedecodeRequest, job: JobContext): Promise<JobStatus> {
    const progress: RedecodeProgress = { total: request.total, done: 0, stored: 0, failed: 0 };
    let after: { receivedAt: Date; id: string } | null = null;
    for (;;) {
      const uplinks = await this.repository.nextMatching(request, after, CHUNK);
      if (!uplinks.length) break;
      const result = await this.processor.process(uplinks.map(envelopeOf), { redecode: true });
      progress.done += uplinks.length;
      progress.stored += result.stored;
      progress.failed += result.decodeFailed + result.storeFailed;
      // Uplinks that arrived after the request was counted are re-decoded too; the total follows.
      progress.total = Math.max(progress.total, progress.done);
      await job.updateProgress({ ...progress });
      const last = uplinks[uplinks.length - 1];
      after = { receivedAt: last.receivedAt, id: last.id };
    }
    // A run that matched nothing still says so (its progress would otherwise stay unset).
    if (!progress.done) await job.updateProgress({ ...progress });
    this.logger.log({ jobId: job.id, ...progress, requestedBy: request.requestedBy, requestId: request.requestId }, 're-decode finished');
    return JobStatus.Success;
  }
}
