import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { AccessContext } from '../../core/access/access-context';
import { requireVisibleFilters } from '../../core/access/list-filters';
import { DatabaseService } from '../../core/database/database.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName, QueueName, type RedecodeProgress, type RedecodeRequest } from '../../core/jobs/jobs.types';
import type { ListUplinksQueryDto, RedecodeDto } from './uplinks.controller';
import { UplinkRepository } from './uplink.repository';

/** Uplinks one re-decode run may take; a larger set is split by time range. */
export const MAX_REDECODE_UPLINKS = 200_000;

type UplinkRow = {
  id: string;
  receivedAt: string;
  deviceId: string;
  deviceSerialNo: string;
  tenantId: string;
  integrationId: string | null;
  fPort: number | null;
  fCnt: number | null;
  payloadHex: string;
  status: 'RECEIVED' | 'DECODED' | 'FAILED';
  decoded: unknown;
  errors: string[];
  warnings: string[];
  rx: unknown;
};

@Injectable()
export class UplinksService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repository: UplinkRepository,
    private readonly jobs: JobsService,
  ) {}

  async list(access: AccessContext, q: ListUplinksQueryDto): Promise<Page<UplinkRow>> {
    const tenantIds = access.tenantIds('DEVICES', 'read', q.tenantId);
    await requireVisibleFilters(this.database.db, access, access.tenantIds('DEVICES', 'read'), { device: q.deviceId });
    if (q.integrationId) await this.requireIntegration(access.tenantIds('DEVICES', 'read'), q.integrationId);
    const base = this.database.db
      .selectFrom('uplink as u')
      .innerJoin('device as d', 'd.id', 'u.device_id')
      .where('u.tenant_id', 'in', tenantIds.length ? tenantIds : ['00000000-0000-0000-0000-000000000000'])
      .$if(Boolean(q.deviceId), (w) => w.where('u.device_id', '=', q.deviceId!))
      .$if(Boolean(q.integrationId), (w) => w.where('u.integration_id', '=', q.integrationId!))
      .$if(Boolean(q.status), (w) => w.where('u.status', '=', q.status!))
      .$if(Boolean(q.from), (w) => w.where('u.received_at', '>=', new Date(q.from!)))
      .$if(Boolean(q.to), (w) => w.where('u.received_at', '<', new Date(q.to!)));
    const [rows, count] = await Promise.all([
      base
        .select([
          'u.id',
          'u.received_at',
          'u.device_id',
          'd.serial_no',
          'u.tenant_id',
          'u.integration_id',
          'u.f_port',
          'u.f_cnt',
          'u.payload',
          'u.status',
          'u.decoded',
          'u.errors',
          'u.rx_metadata',
        ])
        .orderBy('u.received_at', 'desc')
        .orderBy('u.id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => {
        const problems = (r.errors ?? {}) as { errors?: string[]; warnings?: string[] };
        return {
          id: String(r.id),
          receivedAt: new Date(r.received_at).toISOString(),
          deviceId: r.device_id,
          deviceSerialNo: r.serial_no,
          tenantId: r.tenant_id,
          integrationId: r.integration_id,
          fPort: r.f_port,
          fCnt: r.f_cnt === null ? null : Number(r.f_cnt),
          payloadHex: Buffer.from(r.payload).toString('hex'),
          status: r.status,
          decoded: r.decoded ?? null,
          errors: problems.errors ?? [],
          warnings: problems.warnings ?? [],
          rx: r.rx_metadata ?? null,
        };
      }),
      total: Number(count.n),
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /** Starts a re-decode run over the matching stored uplinks of tenants where the caller may update devices. */
  async redecode(access: AccessContext, body: RedecodeDto): Promise<{ jobId: string; total: number }> {
    const scope = access.tenantIds('DEVICES', 'update');
    const tenantIds = access.tenantIds('DEVICES', 'update', body.tenantId);
    await requireVisibleFilters(this.database.db, access, scope, { device: body.deviceId, deviceProfile: body.deviceProfileId });
    if (body.integrationId) await this.requireIntegration(scope, body.integrationId);
    // A profile (the device's, or the one named) without an active scenario has no decoder to re-run.
    const profiles = await this.database.db
      .selectFrom('device_profile as p')
      .leftJoin('message_scenario as s', (j) => j.onRef('s.device_profile_id', '=', 'p.id').on('s.is_active', '=', true))
      .select(['p.id', 'p.model_code'])
      .select((eb) => eb.fn.count<string>('s.id').as('scenarios'))
      .$if(Boolean(body.deviceProfileId), (w) => w.where('p.id', '=', body.deviceProfileId!))
      .$if(Boolean(body.deviceId), (w) => w.where('p.id', '=', (eb) => eb.selectFrom('device').select('device_profile_id').where('id', '=', body.deviceId!)))
      .$if(!body.deviceProfileId && !body.deviceId, (w) => w.where(sql<boolean>`false`))
      .groupBy(['p.id', 'p.model_code'])
      .execute();
    const bare = profiles.find((p) => Number(p.scenarios) === 0);
    if (bare) throw new ConflictException(`device profile ${bare.model_code} has no active message scenario (decoder) to run`);
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
    if (total > MAX_REDECODE_UPLINKS) throw new BadInputException(`${total} uplinks match; re-decode at most ${MAX_REDECODE_UPLINKS} at a time (narrow the time range)`, [{ path: ['to'], message: 'too wide' }]);
    const jobId = await this.jobs.enqueue(JobName.RedecodeUplinks, { ...request, total, requestedBy: access.userId, requestId: access.requestId }, { attempts: 1 });
    return { jobId: String(jobId), total };
  }

  /** A run's state and progress, to the readers of the devices it covers. */
  async redecodeStatus(access: AccessContext, jobId: string) {
    const job = /^\d{1,19}$/.test(jobId) ? await this.jobs.queue(QueueName.Redecode).getJob(jobId) : undefined;
    const readable = new Set(access.tenantIds('DEVICES', 'read'));
    const data = job?.data as RedecodeRequest | undefined;
    if (!job || job.name !== JobName.RedecodeUplinks || !data?.tenantIds.some((id) => readable.has(id))) throw new EntityNotFoundException('re-decode run', jobId);
    const state = await job.getState();
    const progress = (typeof job.progress === 'object' && job.progress ? job.progress : { total: data.total, done: 0, stored: 0, failed: 0 }) as RedecodeProgress;
    return {
      jobId: String(job.id),
      state: (['waiting', 'active', 'completed', 'failed', 'delayed'].includes(state) ? state : state === 'prioritized' || state === 'waiting-children' ? 'waiting' : 'unknown') as 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'unknown',
      progress: (job.returnvalue as RedecodeProgress | null) ?? progress,
      failedReason: job.failedReason ?? null,
      createdAt: new Date(job.timestamp).toISOString(),
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    };
  }

  /** An integration filter answers 404 unless the integration belongs to the scope (decisions.md, Access). */
  private async requireIntegration(scope: string[], integrationId: string): Promise<void> {
    const row = await this.database.db.selectFrom('integration').select('tenant_id').where('id', '=', integrationId).executeTakeFirst();
    if (!row || !scope.includes(row.tenant_id)) throw new EntityNotFoundException('integration', integrationId);
  }
}
