import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { JobName } from '../../core/jobs/jobs.types';
import { localToday } from '../billing/tariff-rules';
import { monthPeriod } from './drafts';
import { mapRun, type BillingRunView, type ListBillingRunsQuery, type StartBillingRun } from './invoicing.dto';
import { InvoicingRepository, type RunRow } from './invoicing.repository';

/**
 * Billing runs (issue 18): one per tenant and calendar month in the tenant's zone. Starting a run (or
 * re-posting a period still in DRAFT or FAILED) queues the job that computes its drafts; issuing queues
 * the job that issues them one by one. An issued period is never billed again.
 */
@Injectable()
export class BillingRunsService {
  constructor(
    private readonly repository: InvoicingRepository,
    private readonly outbox: JobOutbox,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async start(access: AccessContext, input: StartBillingRun): Promise<BillingRunView> {
    access.require('BILLING', 'create', input.tenantId);
    const tenant = await this.repository.tenant(input.tenantId);
    if (!tenant) throw new EntityNotFoundException('tenant', input.tenantId);
    const { periodStart, periodEnd } = monthPeriod(input.period);
    const today = localToday(tenant.time_zone);
    if (periodEnd > today)
      throw new BadInputException('only a month that has ended in the tenant’s time zone is billed', [
        { path: ['period'], message: `${input.period} ends on ${periodEnd}; today is ${today} in ${tenant.time_zone}` },
      ]);
    const id = await this.unitOfWork.run(async (tx) => {
      const run = await this.repository.lockRunForPeriod(tx, input.tenantId, periodStart, periodEnd, access.userId);
      const compute = (generation: number) =>
        this.outbox.add(
          tx,
          JobName.ComputeBillingRun,
          { runId: run.id, requestedBy: access.userId, requestId: access.requestId },
          { jobId: computeJobId(run.id, generation) },
        );
      if (run.status === 'ISSUED' || run.status === 'ISSUING')
        throw new ConflictException(
          `the period ${input.period} is ${run.status === 'ISSUED' ? 'issued' : 'being issued'}: it is not billed again`,
          [],
          { code: 'periodIssued' },
        );
      // A run already queued or computing keeps its generation: its job id is enqueued again, which BullMQ
      // ignores while the job exists and adds if it was lost (never a second compute of one generation).
      if (!run.created && (run.status === 'QUEUED' || run.status === 'RUNNING')) {
        await compute(run.generation);
        return run.id;
      }
      const generation = run.created ? run.generation : await this.repository.requeueRun(tx, run.id, access.userId);
      await this.audit.record(
        access,
        {
          action: run.created ? 'create' : 'update',
          entityType: 'billing_run',
          entityId: run.id,
          tenantId: input.tenantId,
          before: run.created ? undefined : { status: run.status },
          after: { period: input.period, status: 'QUEUED' },
        },
        tx,
      );
      await compute(generation);
      return run.id;
    });
    return this.detail(access, id);
  }

  async list(access: AccessContext, q: ListBillingRunsQuery): Promise<Page<BillingRunView>> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const { rows, total } = await this.repository.listRuns({
      tenantIds,
      status: q.status,
      periodStart: q.period ? monthPeriod(q.period).periodStart : undefined,
      offset: (q.page - 1) * q.pageSize,
      limit: q.pageSize,
    });
    return { items: rows.map(mapRun), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<BillingRunView> {
    return mapRun(await this.readable(access, id));
  }

  /** DRAFT → ISSUING, then the job issues each draft; re-posting an interrupted ISSUING run resumes it. */
  async issue(access: AccessContext, id: string): Promise<BillingRunView> {
    const run = await this.readable(access, id);
    access.require('BILLING', 'update', run.tenant_id, 'billing run', id);
    const status = await this.unitOfWork.run(async (tx) => {
      const found = await this.repository.startIssuing(tx, id, access.userId);
      if (found === 'DRAFT') {
        await this.audit.record(
          access,
          {
            action: 'update',
            entityType: 'billing_run',
            entityId: id,
            tenantId: run.tenant_id,
            before: { status: 'DRAFT' },
            after: { status: 'ISSUING' },
          },
          tx,
        );
      }
      // A DRAFT run starts issuing; an ISSUING one (interrupted) resumes: a job of its own either way.
      if (found === 'DRAFT' || found === 'ISSUING')
        await this.outbox.add(
          tx,
          JobName.IssueBillingRun,
          { runId: id, requestedBy: access.userId, requestId: access.requestId },
          { jobId: `billing-issue-${id}-${randomUUID()}` },
        );
      return found;
    });
    if (status === 'ISSUED') throw new ConflictException('the run is already issued', [], { code: 'alreadyDone' });
    if (status !== 'DRAFT' && status !== 'ISSUING')
      throw new ConflictException(
        status === 'FAILED' ? 'the run failed: run its period again first' : 'the run is still computing its drafts',
        [],
        status === 'FAILED' ? { code: 'runFailed' } : { code: 'notReady' },
      );
    return this.detail(access, id);
  }

  private async readable(access: AccessContext, id: string): Promise<RunRow> {
    const run = await this.repository.findRun(id);
    if (!run || !access.can('BILLING', 'read', run.tenant_id)) throw new EntityNotFoundException('billing run', id);
    return run;
  }
}

/** The compute job of one generation of a run: one id, so a lost job can be enqueued again without a double. */
export function computeJobId(runId: string, generation: number): string {
  return `billing-run-${runId}-compute-${generation}`;
}
