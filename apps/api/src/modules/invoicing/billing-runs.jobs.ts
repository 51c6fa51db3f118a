import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { DEFAULT_JOB_OPTIONS, JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, QueueName, type BillingRunRequest, type JobContext } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { localToday } from '../billing/tariff-rules';
import { NotificationsService } from '../notifications/notifications.service';
import { computeJobId } from './billing-runs.service';
import { monthPeriod, previousMonth } from './drafts';
import { InvoiceDraftsService, type DraftProblem } from './invoice-drafts.service';
import { InvoicingRepository, type RunRow } from './invoicing.repository';
import { InvoicesService } from './invoices.service';

/** Every hour at :23: tenants whose local day is their scheduled run day get the previous month's run. */
export const BILLING_SCHEDULE_CRON = '23 * * * *';
/** Subscriptions per batch: one set of reads and two INSERTs (drafts, lines) each. */
export const BILLING_BATCH_SIZE = 2000;
/** How long the console waits at most between two progress events while issuing. */
const ISSUE_PROGRESS_EVERY_MS = 500;

/**
 * The worker's side of billing runs: computing a run's drafts batch by batch (progress as
 * `billing-run.progress`), issuing them one short transaction each, and the scheduled runs.
 */
@Injectable()
export class BillingRunJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('billing-runs');

  constructor(
    private readonly repository: InvoicingRepository,
    private readonly drafts: InvoiceDraftsService,
    private readonly invoices: InvoicesService,
    private readonly jobs: JobsService,
    private readonly outbox: JobOutbox,
    private readonly unitOfWork: UnitOfWork,
    private readonly live: LiveEventsService,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs
      .queue(QueueName.Maintenance)
      .upsertJobScheduler('billing-runs', { pattern: BILLING_SCHEDULE_CRON }, { name: JobName.ScheduleBillingRuns, data: {} });
  }

  @OnJob({ name: JobName.ComputeBillingRun })
  async handleCompute(request: BillingRunRequest, job: JobContext): Promise<JobStatus> {
    try {
      return (await this.compute(request.runId, job)) ? JobStatus.Success : JobStatus.Skipped;
    } catch (err) {
      // BullMQ retries (a retry deletes the drafts made so far and starts over); after the last attempt the run is FAILED.
      if (job.attemptsMade + 1 >= (DEFAULT_JOB_OPTIONS.attempts ?? 1)) {
        await this.repository.finishRun(request.runId, 'FAILED', String((err as Error).message ?? err).slice(0, 1000));
        await this.emit(request.runId, (err as Error).message ?? null);
        await this.finished(request.runId, request.requestedBy);
      }
      throw err;
    }
  }

  /** Computes the drafts of a queued run; false when the run is gone or not queued any more. */
  async compute(runId: string, job?: JobContext): Promise<boolean> {
    const run = await this.repository.claimRun(runId);
    if (!run) return false;
    await this.repository.deleteRunDrafts(runId);
    const ctx = await this.drafts.context(run.tenant_id, run.time_zone, run.period_start, run.period_end);
    const subscriptions = await this.repository.billableSubscriptions(run.tenant_id, run.period_start, run.period_end, run.time_zone);
    const consumption = await this.repository.periodConsumption(run.tenant_id, run.period_start, run.period_end);
    const totals = { total: subscriptions.length, done: 0, invoices: 0, net: 0n, vat: 0n, gross: 0n, problems: [] as DraftProblem[] };
    await this.repository.updateRunProgress(runId, totals);
    await this.emit(runId, null);
    for (let i = 0; i < subscriptions.length; i += BILLING_BATCH_SIZE) {
      const batch = subscriptions.slice(i, i + BILLING_BATCH_SIZE);
      const { drafts, problems } = await this.drafts.compute(ctx, batch, consumption);
      await this.repository.insertDrafts(run.tenant_id, runId, drafts);
      totals.done += batch.length;
      totals.invoices += drafts.length;
      for (const d of drafts) {
        totals.net += BigInt(d.draft.netKurus);
        totals.vat += BigInt(d.draft.vatKurus);
        totals.gross += BigInt(d.draft.grossKurus);
      }
      totals.problems.push(...problems);
      await this.repository.updateRunProgress(runId, totals);
      await job?.updateProgress({ done: totals.done, total: totals.total });
      await this.emit(runId, null);
    }
    await this.repository.finishRun(runId, 'DRAFT', null);
    await this.emit(runId, null);
    await this.finished(runId, run.started_by_id);
    this.logger.log(
      { runId, subscriptions: totals.total, invoices: totals.invoices, problems: totals.problems.length },
      'billing run computed',
    );
    return true;
  }

  @OnJob({ name: JobName.IssueBillingRun })
  async handleIssue(request: BillingRunRequest, job: JobContext): Promise<JobStatus> {
    const run = await this.repository.findRun(request.runId);
    if (!run || run.status !== 'ISSUING') return JobStatus.Skipped;
    const actor = { userId: request.requestedBy ?? '', requestId: request.requestId };
    const terms = await this.invoices.terms(run.tenant_id, run.time_zone);
    // Each draft in its own transaction: a crash leaves a prefix issued, and the retry (or a re-post) issues the rest.
    let last = 0;
    let issued = 0;
    for (const id of await this.repository.runDraftIds(run.id)) {
      if (await this.invoices.issueDraft(request.requestedBy ? actor : null, id, terms)) issued++;
      if (Date.now() - last >= ISSUE_PROGRESS_EVERY_MS) {
        last = Date.now();
        await job.updateProgress({ issued });
        await this.emit(run.id, null);
      }
    }
    await this.repository.finishIssuing(run.id);
    await this.emit(run.id, null);
    await this.finished(run.id, request.requestedBy);
    this.logger.log({ runId: run.id, issued }, 'billing run issued');
    return JobStatus.Success;
  }

  @OnJob({ name: JobName.ScheduleBillingRuns })
  async handleSchedule(): Promise<JobStatus> {
    await this.schedule(new Date());
    return JobStatus.Success;
  }

  /**
   * Starts the previous month's run of every tenant whose scheduled run day it is; the ids of the runs it
   * created. A run that exists is left alone, except that a QUEUED one has its job enqueued again (by id).
   */
  async schedule(now: Date): Promise<string[]> {
    const started: string[] = [];
    for (const t of await this.repository.scheduledRunDays()) {
      if (t.day === null) continue;
      const today = localToday(t.time_zone, now);
      if (Number(today.slice(8, 10)) !== t.day) continue;
      const { periodStart, periodEnd } = monthPeriod(previousMonth(today));
      // The run and its compute job commit together (the job outbox). A run still QUEUED from an earlier hour is
      // enqueued again by its job id: nothing while its job exists.
      const run = await this.unitOfWork.run(async (tx) => {
        const found = await this.repository.createScheduledRun(tx, t.id, periodStart, periodEnd);
        if (found)
          await this.outbox.add(
            tx,
            JobName.ComputeBillingRun,
            { runId: found.id, requestedBy: null },
            { jobId: computeJobId(found.id, found.generation) },
          );
        return found;
      });
      if (run?.created) started.push(run.id);
    }
    return started;
  }

  /** Tells the user who started (or issued) the run that it is done: DRAFT to review, ISSUED, or FAILED. */
  private async finished(runId: string, userId: string | null): Promise<void> {
    const run = await this.repository.findRun(runId);
    if (!run || (run.status !== 'DRAFT' && run.status !== 'ISSUED' && run.status !== 'FAILED')) return;
    await this.notifications.notify('billing.run.finished', {
      tenantId: run.tenant_id,
      runId,
      status: run.status,
      periodStart: run.period_start,
      periodEnd: run.period_end,
      invoiceCount: run.invoice_count,
      grossKurus: run.gross_kurus,
      userId,
    });
  }

  private async emit(runId: string, message: string | null): Promise<void> {
    const run: RunRow | undefined = await this.repository.findRun(runId);
    if (!run) return;
    this.live.emit('billing-run.progress', run.tenant_id, {
      runId,
      tenantId: run.tenant_id,
      periodStart: run.period_start,
      status: run.status,
      subscriptionsTotal: run.subscriptions_total,
      subscriptionsDone: run.subscriptions_done,
      invoiceCount: run.invoice_count,
      issuedCount: run.issued_count,
      problemCount: run.problems.length,
      grossKurus: Number(run.gross_kurus),
      message: message ?? run.error,
    });
  }
}
