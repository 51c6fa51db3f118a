import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, type RedecodeProgress, type RedecodeRequest } from '../../core/jobs/jobs.types';
import type { ListUplinksQueryDto, RedecodeDto } from './uplinks.controller';
import { UplinkInspectorRepository, type InspectedUplink } from './uplink-inspector.repository';
import { UplinkRepository } from './uplink.repository';

/** Uplinks one re-decode run may take; a larger set is split by time range. */
export const MAX_REDECODE_UPLINKS = 200_000;

@Injectable()
export class UplinksService {
  constructor(
    private readonly inspector: UplinkInspectorRepository,
    private readonly repository: UplinkRepository,
    private readonly filters: ListFiltersRepository,
    private readonly jobs: JobsService,
  ) {}

  async list(access: AccessContext, q: ListUplinksQueryDto): Promise<Page<InspectedUplink>> {
    const scope = access.tenantIds('DEVICES', 'read');
    const tenantIds = access.tenantIds('DEVICES', 'read', q.tenantId);
    await this.filters.requireVisible(access, scope, { device: q.deviceId });
    if (q.integrationId) await this.requireIntegration(scope, q.integrationId);
    const { items, total } = await this.inspector.page(
      { tenantIds, deviceId: q.deviceId, integrationId: q.integrationId, status: q.status, from: q.from, to: q.to },
      q.page,
      q.pageSize,
    );
    return { items, total, page: q.page, pageSize: q.pageSize };
  }

  /** Starts a re-decode run over the matching stored uplinks of tenants where the caller may update devices. */
  async redecode(access: AccessContext, body: RedecodeDto): Promise<{ jobId: string; total: number }> {
    const scope = access.tenantIds('DEVICES', 'update');
    const tenantIds = access.tenantIds('DEVICES', 'update', body.tenantId);
    await this.filters.requireVisible(access, scope, { device: body.deviceId, deviceProfile: body.deviceProfileId });
    if (body.integrationId) await this.requireIntegration(scope, body.integrationId);
    // A profile (the device's, or the one named) without an active scenario has no decoder to re-run.
    const [bare] = await this.inspector.profilesWithoutDecoder({ deviceId: body.deviceId, deviceProfileId: body.deviceProfileId });
    if (bare)
      throw new ConflictException(`device profile ${bare} has no active message scenario (decoder) to run`, [], { code: 'noDecoder' });
    const request: Omit<RedecodeRequest, 'total' | 'requestedBy' | 'requestId'> = {
      tenantIds,
      deviceId: body.deviceId,
      deviceProfileId: body.deviceProfileId,
      integrationId: body.integrationId,
      uplinkIds: body.uplinkIds,
      status: body.status === 'ANY' ? undefined : body.status,
      from: body.from,
      to: body.to,
    };
    const total = await this.repository.countMatching(request);
    if (total > MAX_REDECODE_UPLINKS)
      throw new BadInputException(`${total} uplinks match; re-decode at most ${MAX_REDECODE_UPLINKS} at a time (narrow the time range)`, [
        { path: ['to'], message: 'too wide' },
      ]);
    const jobId = await this.jobs.enqueue(
      JobName.RedecodeUplinks,
      { ...request, total, requestedBy: access.userId, requestId: access.requestId },
      { attempts: 1 },
    );
    return { jobId: String(jobId), total };
  }

  /** A run's state and progress, to the readers of the devices it covers. */
  async redecodeStatus(access: AccessContext, jobId: string) {
    const job = /^\d{1,19}$/.test(jobId) ? await this.jobs.find(JobName.RedecodeUplinks, jobId) : undefined;
    const readable = new Set(access.tenantIds('DEVICES', 'read'));
    if (!job || !job.data.tenantIds.some((id) => readable.has(id))) throw new EntityNotFoundException('re-decode run', jobId);
    const data = job.data;
    const state = await job.getState();
    const progress = (
      typeof job.progress === 'object' && job.progress ? job.progress : { total: data.total, done: 0, stored: 0, failed: 0 }
    ) as RedecodeProgress;
    return {
      jobId: String(job.id),
      state: (['waiting', 'active', 'completed', 'failed', 'delayed'].includes(state)
        ? state
        : state === 'prioritized' || state === 'waiting-children'
          ? 'waiting'
          : 'unknown') as 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'unknown',
      // The handler's last progress update is the run's final count (jobs return a status, not a result).
      progress,
      failedReason: job.failedReason ?? null,
      createdAt: new Date(job.timestamp).toISOString(),
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  /** An integration filter answers 404 unless the integration belongs to the scope (decisions.md, Access). */
  private async requireIntegration(scope: string[], integrationId: string): Promise<void> {
    const tenantId = await this.inspector.integrationTenant(integrationId);
    if (!tenantId || !scope.includes(tenantId)) throw new EntityNotFoundException('integration', integrationId);
  }
}
