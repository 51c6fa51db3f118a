import { Inject, Injectable } from '@nestjs/common';
import type { PermissionAction, PermissionModule } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { csvLine } from '../../core/http/csv';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import type { UploadedFile } from '../../core/http/upload';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { JobName } from '../../core/jobs/jobs.types';
import { formatOf } from './import-file';
import { mapImportJob, type ImportJobView, type ListImportsQuery, type StartImportQuery } from './imports.dto';
import { ImportsRepository, type ImportJobRow, type ImportKind } from './imports.repository';

/** The right each kind of import needs at the tenant it imports into (the route's rule); reading its jobs needs read there. */
export const IMPORT_RIGHTS: Record<
  ImportKind,
  { module: PermissionModule; action: PermissionAction; also?: [PermissionModule, PermissionAction] }
> = {
  READINGS: { module: 'METERS', action: 'update' },
  METERS: { module: 'METERS', action: 'create' },
  CUSTOMERS: { module: 'SUBSCRIPTIONS', action: 'create', also: ['CUSTOMERS', 'create'] },
  DEVICES: { module: 'DEVICES', action: 'create' },
};

/** Stored file chunks: 1 MiB, so a reader holds one at a time. */
const CHUNK_BYTES = 1_048_576;

/**
 * Import jobs: an upload is stored in PostgreSQL (any API node and the worker read it), then a job
 * checks it (dry run) or writes it in the worker. Jobs are visible where the caller reads the kind's module.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly repository: ImportsRepository,
    private readonly outbox: JobOutbox,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The tenant to import into: the one asked for (404/403 as opening it would), else the caller's only top tenant for the right. */
  private importTenant(access: AccessContext, kind: ImportKind, tenantId?: string): string {
    const { module, action, also } = IMPORT_RIGHTS[kind];
    if (tenantId) {
      access.require(module, action, tenantId);
      if (also) access.require(also[0], also[1], tenantId);
      return tenantId;
    }
    const ids = new Set(access.tenantIds(module, action).filter((id) => !also || access.can(also[0], also[1], id)));
    const tops = [...ids].filter((id) => {
      const parent = access.tenants.get(id)?.parentId;
      return !parent || !ids.has(parent);
    });
    if (tops.length !== 1)
      throw new BadInputException(
        tops.length ? 'tenantId is required: you may import into several tenants' : `you may not import ${kind.toLowerCase()} anywhere`,
        [{ path: ['query', 'tenantId'], message: 'is required' }],
      );
    return tops[0];
  }

  async start(access: AccessContext, kind: ImportKind, q: StartImportQuery, file: UploadedFile): Promise<ImportJobView> {
    const tenantId = this.importTenant(access, kind, q.tenantId);
    const { module, action } = IMPORT_RIGHTS[kind];
    const scope = access.tenantIds(module, action, tenantId);
    const fileId = await this.store(tenantId, file);
    return this.create(access, {
      tenantId,
      fileId,
      kind,
      dryRun: q.dryRun,
      encoding: q.encoding ?? null,
      delimiter: q.delimiter ?? null,
      scopeTenantIds: scope,
      createdBy: access.userId,
      requestId: access.requestId ?? null,
    });
  }

  /** Runs a finished dry run for real, on the same file and with the caller's rights as they are now. */
  async confirm(access: AccessContext, id: string): Promise<ImportJobView> {
    const dry = await this.visibleJob(access, id);
    const kind = dry.kind;
    const { module, action, also } = IMPORT_RIGHTS[kind];
    access.require(module, action, dry.tenant_id, 'import job', id);
    if (also) access.require(also[0], also[1], dry.tenant_id, 'import job', id);
    if (!dry.dry_run)
      throw new BadInputException('only a dry run can be confirmed', [{ path: ['params', 'id'], message: 'is not a dry run' }]);
    if (dry.status !== 'DONE' || dry.failed_rows > 0)
      throw new BadInputException('the dry run must have finished without row errors', [
        { path: ['params', 'id'], message: 'has not passed' },
      ]);
    if (dry.file_purged_at)
      throw new ConflictException(
        'the uploaded file was deleted by the retention job: upload it again',
        [{ path: ['params', 'id'], message: 'file deleted' }],
        { code: 'fileExpired' },
      );
    return this.create(access, {
      tenantId: dry.tenant_id,
      fileId: dry.file_id,
      kind,
      dryRun: false,
      encoding: dry.used_encoding ?? dry.encoding,
      delimiter: dry.used_delimiter ?? dry.delimiter,
      scopeTenantIds: access.tenantIds(module, action, dry.tenant_id),
      createdBy: access.userId,
      requestId: access.requestId ?? null,
    });
  }

  /** Stores the import job with its run (the job outbox: both commit, or neither). */
  private async create(access: AccessContext, input: Parameters<ImportsRepository['createJob']>[1]): Promise<ImportJobView> {
    const jobId = await this.unitOfWork.run(async (tx) => {
      const id = await this.repository.createJob(tx, input);
      await this.outbox.add(tx, JobName.RunImport, { jobId: id, requestId: access.requestId }, { jobId: `import-${id}` });
      return id;
    });
    const job = (await this.repository.job(jobId))!;
    if (!job.dry_run)
      await this.audit.record(access, {
        action: 'create',
        entityType: 'import_job',
        entityId: jobId,
        tenantId: job.tenant_id,
        after: { kind: job.kind, fileName: job.file_name, fileSize: Number(job.file_size) },
      });
    return mapImportJob(job);
  }

  /** Streams the upload into 1 MiB chunks; a failed or oversized upload leaves nothing behind. */
  private async store(tenantId: string, file: UploadedFile): Promise<string> {
    let fileId: string | null = null;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let size = 0;
    const flush = async () => {
      const data = Buffer.concat(pending, pendingBytes);
      fileId ??= await this.repository.createFile(tenantId, file.name, formatOf(data));
      await this.repository.addChunk(fileId, seq++, data);
      pending = [];
      pendingBytes = 0;
    };
    try {
      for await (const chunk of file.bytes) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        size += chunk.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      if (pendingBytes) await flush();
      if (!fileId) throw new BadInputException('the file is empty', [{ path: ['body', 'file'], message: 'is empty' }]);
      await this.repository.finishFile(fileId, size);
      return fileId;
    } catch (err) {
      if (fileId) await this.repository.deleteFile(fileId);
      throw err;
    }
  }

  /** A job the caller may see: of a tenant where they read the kind's module (404 otherwise). */
  private async visibleJob(access: AccessContext, id: string): Promise<ImportJobRow> {
    const job = await this.repository.job(id);
    if (!job || !access.can(IMPORT_RIGHTS[job.kind].module, 'read', job.tenant_id)) throw new EntityNotFoundException('import job', id);
    return job;
  }

  async get(access: AccessContext, id: string): Promise<ImportJobView> {
    return mapImportJob(await this.visibleJob(access, id));
  }

  async list(access: AccessContext, q: ListImportsQuery): Promise<Page<ImportJobView>> {
    const kinds = q.kind ? [q.kind] : (Object.keys(IMPORT_RIGHTS) as ImportKind[]);
    const scopes = kinds.map((kind) => ({ kind, tenantIds: access.tenantIds(IMPORT_RIGHTS[kind].module, 'read') }));
    const { skip, take } = skipTake(q);
    const { rows, total } = await this.repository.page(scopes, skip, take);
    return { items: rows.map(mapImportJob), total, page: q.page, pageSize: q.pageSize };
  }

  /** The job's row errors as CSV (row, column, message), row order; checked before the first line. */
  async errorReport(access: AccessContext, id: string): Promise<{ name: string; lines: AsyncGenerator<string> }> {
    const job = await this.visibleJob(access, id);
    const repository = this.repository;
    const base = job.file_name.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_') || 'import';
    return {
      name: `${base}-errors.csv`,
      lines: (async function* () {
        yield csvLine(['row', 'column', 'message']);
        if (job.message) yield csvLine(['', '', job.message]);
        for await (const errors of repository.errors(id)) yield errors.map((e) => csvLine([e.rowNo, e.column, e.message])).join('');
      })(),
    };
  }
}
