import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, QueueName } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { ImportsRepository } from './imports.repository';

/** Daily at 03:17 UTC, a quiet hour for the platform's zones. */
export const IMPORT_RETENTION_CRON = '17 3 * * *';
/** Files purged per statement: a backlog (the first run after an upgrade) goes in short transactions. */
const PURGE_BATCH = 500;

/**
 * Upload retention: the content of a finished upload (chunks) is deleted IMPORT_RETENTION_DAYS after it
 * was uploaded; the file's row, its jobs, their counts and row errors stay, so every report can still be
 * read and downloaded. A file a job still waits on or runs is kept until it finishes.
 */
@Injectable()
export class ImportRetention implements OnApplicationBootstrap {
  private readonly logger = new Logger('imports');

  constructor(
    private readonly repository: ImportsRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('import-retention', { pattern: IMPORT_RETENTION_CRON }, { name: JobName.PurgeImportFiles, data: {} });
  }

  @OnJob({ name: JobName.PurgeImportFiles })
  async handlePurge(): Promise<JobStatus> {
    const purged = await this.purge(new Date());
    if (purged.files) this.logger.log({ ...purged, retentionDays: this.config.IMPORT_RETENTION_DAYS }, 'import files purged');
    return JobStatus.Success;
  }

  /** Purges every upload older than the retention period as of `now`; returns how many files and bytes went. */
  async purge(now: Date): Promise<{ files: number; bytes: number }> {
    const before = new Date(now.getTime() - this.config.IMPORT_RETENTION_DAYS * 86_400_000);
    const total = { files: 0, bytes: 0 };
    for (;;) {
      const batch = await this.repository.purgeFiles(before, PURGE_BATCH);
      total.files += batch.files;
      total.bytes += batch.bytes;
      if (batch.files < PURGE_BATCH) return total;
    }
  }
}
