import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import { isValidTaxId, isValidTcIdNo } from '@water/shared';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { AccessService } from '../../core/access/access.service';
import type { AccessContext } from '../../core/access/access-context';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { DevicesService } from '../devices/devices.service';
import { MetersService } from '../meters/meters.service';
import { locateDeviceColumns, parseDeviceRow, type DeviceColumns, type ParsedDevice } from './devices-import';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { CUSTOMER_COLUMNS, parseCustomerRow, type ParsedCustomerRow } from './customers-import';
import { meterInstalledAt, METER_COLUMNS, parseMeterRow, type ParsedMeter } from './meters-import';
import { DEFAULT_JOB_OPTIONS, JobsService } from '../../core/jobs/jobs.service';
import { JobName, JobStatus, type ImportJobRequest, type JobContext } from '../../core/jobs/jobs.types';
import { OnJob } from '../../core/jobs/on-job.decorator';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { UplinkProcessor } from '../ingest/uplink.processor';
import { locateColumns } from './import-columns';
import { NotificationsService } from '../notifications/notifications.service';
import { checkZipDirectory, FileError, openTable, type ImportDelimiter, type ImportEncoding, type TableRow } from './import-file';
import { zonedTime } from './import-values';
import { ImportsRepository, type ImportJobRow, type ImportMeter, type RowError } from './imports.repository';
import { isRowError, parseReadingRow, READING_COLUMNS, READING_KEY_COLUMNS, resolveReading, type ReadyReading } from './readings-import';

/** Counts of a run, as the job row and the live event carry them. */
export interface ImportCounts {
  totalRows: number;
  createdRows: number;
  unchangedRows: number;
  failedRows: number;
}

/** What one batch of rows came to. */
interface BatchOutcome {
  errors: RowError[];
  created: number;
  unchanged: number;
}

/** A kind of import: how a batch of rows is checked (dry run, first pass) and written (second pass). */
interface KindRunner {
  locate(header: string[]): Map<string, number>;
  batch(rows: TableRow[], write: boolean): Promise<BatchOutcome>;
  /** After a real run's writes. */
  written?(): Promise<void>;
}

/** How long the console waits at most between two progress events of a running import. */
const PROGRESS_EVERY_MS = 500;

/**
 * Runs import jobs in the worker. A dry run reads every row, checks it against the database and
 * reports per-row errors, writing nothing. A real run does the same first pass and writes nothing
 * either when any row fails; only a clean file is then read a second time and written, batch by batch,
 * by natural keys (a re-import, or BullMQ's retry after a crash, finds its rows stored and changes
 * nothing).
 */
@Injectable()
export class ImportRunner {
  private readonly logger = new Logger('imports');

  constructor(
    private readonly repository: ImportsRepository,
    private readonly uplinks: UplinkProcessor,
    private readonly live: LiveEventsService,
    private readonly jobs: JobsService,
    private readonly access: AccessService,
    private readonly meterService: MetersService,
    private readonly subscriptionService: SubscriptionsService,
    private readonly deviceService: DevicesService,
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnJob({ name: JobName.RunImport })
  async handle(request: ImportJobRequest, job: JobContext): Promise<JobStatus> {
    try {
      return (await this.run(request.jobId)) ? JobStatus.Success : JobStatus.Skipped;
    } catch (err) {
      // BullMQ retries (the write pass is idempotent); after the last attempt the job must not stay RUNNING.
      if (job.attemptsMade + 1 >= (DEFAULT_JOB_OPTIONS.attempts ?? 1))
        await this.repository
          .finish(request.jobId, 'FAILED', `the import stopped: ${String((err as Error).message ?? err).slice(0, 300)}`)
          .catch(() => undefined);
      throw err;
    }
  }

  async run(jobId: string): Promise<ImportCounts | null> {
    if (!(await this.repository.start(jobId))) return null;
    const job = (await this.repository.job(jobId))!;
    const counts: ImportCounts = { totalRows: 0, createdRows: 0, unchangedRows: 0, failedRows: 0 };
    let stored = 0;
    const storeErrors = async (errors: RowError[]) => {
      const room = this.config.IMPORT_MAX_ERRORS - stored;
      if (room > 0) await this.repository.addErrors(jobId, errors.slice(0, room));
      stored += Math.min(room, errors.length);
    };
    try {
      const runner = await this.runnerFor(job);
      const first = await this.pass(job, runner, false, counts, storeErrors);
      if (job.dry_run) return await this.done(job, counts, 'DONE', null);
      if (counts.failedRows > 0)
        return await this.done(job, counts, 'FAILED', `${counts.failedRows} of ${counts.totalRows} rows have errors: nothing was written`);
      counts.createdRows = 0;
      counts.unchangedRows = 0;
      await this.pass(job, runner, true, counts, storeErrors, first);
      await runner.written?.();
      return await this.done(
        job,
        counts,
        counts.failedRows ? 'FAILED' : 'DONE',
        counts.failedRows ? `${counts.failedRows} rows could not be written` : null,
      );
    } catch (err) {
      if (err instanceof FileError) return this.done(job, counts, 'FAILED', err.message);
      this.logger.error({ jobId, err: (err as Error).message }, 'import failed');
      throw err;
    }
  }

  private async done(job: ImportJobRow, counts: ImportCounts, status: 'DONE' | 'FAILED', message: string | null): Promise<ImportCounts> {
    await this.repository.progress(job.id, counts);
    await this.repository.finish(job.id, status, message);
    this.emit(job, counts, status, message);
    await this.notifications.notify('import.finished', {
      tenantId: job.tenant_id,
      jobId: job.id,
      kind: job.kind,
      status,
      dryRun: job.dry_run,
      totalRows: counts.totalRows,
      createdRows: counts.createdRows,
      failedRows: counts.failedRows,
      userId: job.created_by,
    });
    this.logger.log(
      { jobId: job.id, kind: job.kind, dryRun: job.dry_run, status, ...counts, requestId: job.request_id },
      'import finished',
    );
    return counts;
  }

  /** One pass over the file: rows in batches; `write` stores them. Returns the rows read. */
  private async pass(
    job: ImportJobRow,
    runner: KindRunner,
    write: boolean,
    counts: ImportCounts,
    storeErrors: (e: RowError[]) => Promise<void>,
    expectedRows?: number,
  ): Promise<number> {
    if (job.file_format === 'XLSX') {
      const size = Number(job.file_size);
      checkZipDirectory(await this.repository.tail(job.file_id, Math.min(size, 4 * 1_048_576)), size, this.config.IMPORT_MAX_BYTES * 50);
    }
    const table = await openTable(this.repository.chunks(job.file_id), job.file_format, {
      encoding: job.encoding as ImportEncoding | null,
      delimiter: job.delimiter as ImportDelimiter | null,
      maxRows: this.config.IMPORT_MAX_ROWS,
    });
    if (!write) await this.repository.progress(job.id, { ...counts, usedEncoding: table.encoding, usedDelimiter: table.delimiter });
    runner.locate(table.header);
    let rows = 0;
    let last = Date.now();
    const size = this.config.IMPORT_BATCH_ROWS;
    let batch: TableRow[] = [];
    const flush = async () => {
      const outcome = await runner.batch(batch, write);
      rows += batch.length;
      if (!write) counts.totalRows = rows;
      counts.failedRows += new Set(outcome.errors.map((e) => e.rowNo)).size;
      counts.createdRows += outcome.created;
      counts.unchangedRows += outcome.unchanged;
      await storeErrors(outcome.errors);
      batch = [];
      if (Date.now() - last >= PROGRESS_EVERY_MS) {
        last = Date.now();
        await this.repository.progress(job.id, counts);
        this.emit(job, counts, 'RUNNING', null, write ? 'write' : 'check', rows);
      }
    };
    for await (const row of table.rows) {
      batch.push(row);
      if (batch.length >= size) await flush();
    }
    if (batch.length) await flush();
    if (expectedRows !== undefined && rows !== expectedRows) throw new FileError('the file changed between the check and the write');
    return rows;
  }

  private emit(
    job: ImportJobRow,
    counts: ImportCounts,
    status: string,
    message: string | null,
    phase: 'check' | 'write' | null = null,
    doneRows?: number,
  ) {
    this.live.emit('import.progress', job.tenant_id, {
      jobId: job.id,
      tenantId: job.tenant_id,
      kind: job.kind,
      dryRun: job.dry_run,
      status: status as 'RUNNING' | 'DONE' | 'FAILED',
      phase,
      doneRows: doneRows ?? counts.totalRows,
      ...counts,
      message,
    });
  }

  private runnerFor(job: ImportJobRow): KindRunner | Promise<KindRunner> {
    switch (job.kind) {
      case 'READINGS':
        return this.readings(job);
      case 'METERS':
        return this.meters(job);
      case 'CUSTOMERS':
        return this.customers(job);
      case 'DEVICES':
        return this.devices(job);
    }
  }

  /** Readings: each row names a meter (serial, brand when ambiguous) or a device (serial or identifier) of the job's scope. */
  private readings(job: ImportJobRow): KindRunner {
    let at = new Map<string, number>();
    const toUtc = zonedTime();
    // (device, time) → index of the file's rows so far: a repeated row is unchanged, a contradicting one an error.
    const seen = new Map<string, { rowNo: number; indexM3: number }>();
    const newPass = perPass(seen);
    // Per meter, the first and last reading this run wrote.
    const written = new Map<string, { from: Date; to: Date }>();
    return {
      locate: (header) => (at = locateColumns(header, READING_COLUMNS, READING_KEY_COLUMNS)),
      batch: async (rows, write) => {
        newPass(write);
        const errors: RowError[] = [];
        const parsed = parseRows(rows, errors, (row) => {
          const p = parseReadingRow(row, at);
          return isRowError(p) ? [p] : p;
        });
        const found = await this.repository.readingTargets(job.scope_tenant_ids, {
          meterSerials: [...new Set(parsed.flatMap((p) => (p.meterSerial ? [p.meterSerial] : [])))],
          deviceKeys: [...new Set(parsed.flatMap((p) => (p.device ? [p.device] : [])))],
        });
        const now = Date.now();
        const ready: ReadyReading[] = [];
        for (const p of parsed) {
          const r = resolveReading(p, found, toUtc, now);
          if (isRowError(r)) {
            errors.push(r);
            continue;
          }
          ready.push(r);
        }
        const stored = await this.repository.storedIndexes(ready.map((r) => ({ deviceId: r.target.deviceId, time: r.time })));
        const fresh: ReadyReading[] = [];
        let unchanged = 0;
        for (const r of ready) {
          const key = `${r.target.deviceId}|${r.time.getTime()}`;
          const before = seen.get(key);
          const storedIndex = stored.get(key);
          if (before) {
            if (before.indexM3 === r.indexM3) unchanged++;
            else
              errors.push({
                rowNo: r.rowNo,
                column: 'index',
                message: `row ${before.rowNo} gives this device and time the index ${before.indexM3}`,
              });
            continue;
          }
          seen.set(key, { rowNo: r.rowNo, indexM3: r.indexM3 });
          if (storedIndex !== undefined) {
            if (storedIndex === r.indexM3) unchanged++;
            else
              errors.push({
                rowNo: r.rowNo,
                column: 'index',
                message: `a reading with index ${storedIndex} is stored for this device at this time`,
              });
            continue;
          }
          fresh.push(r);
        }
        if (!write || !fresh.length) return { errors, created: fresh.length, unchanged };
        const outcome = await this.uplinks.storeExternalReadings(
          fresh.map((r) => ({
            deviceId: r.target.deviceId,
            meterId: r.target.meterId,
            subscriptionId: r.subscriptionId,
            tenantId: r.target.tenantId,
            meterHasValve: r.target.meterHasValve,
            time: r.time,
            indexM3: r.indexM3,
            groupId: r.groupId,
            q3M3h: r.target.q3M3h,
            registerCapacityM3: r.target.registerCapacityM3,
          })),
          'CSV_IMPORT',
        );
        const created = outcome.filter((o) => o === 'stored').length;
        for (const r of fresh) {
          const range = written.get(r.target.meterId);
          if (!range) written.set(r.target.meterId, { from: r.time, to: r.time });
          else {
            if (r.time < range.from) range.from = r.time;
            if (r.time > range.to) range.to = r.time;
          }
        }
        return { errors, created, unchanged: unchanged + outcome.length - created };
      },
      written: () => this.revalidate(job, written),
    };
  }

  /**
   * Imported readings meet meter-data validation twice: each one is judged by the interval rules as it
   * is stored (the ingest path's reading store), and each meter's imported range is then revalidated as a
   * whole (a `revalidate-meter` job, as an operator's request), so the readings after a back-filled
   * stretch are judged again against what now precedes them. No estimation: the operator asks for that.
   */
  private async revalidate(job: ImportJobRow, ranges: Map<string, { from: Date; to: Date }>): Promise<void> {
    for (const [meterId, { from, to }] of ranges)
      await this.jobs.enqueue(JobName.RevalidateMeter, {
        meterId,
        from: from.toISOString(),
        // The range's end is exclusive: a millisecond past the last imported reading.
        to: new Date(to.getTime() + 1).toISOString(),
        estimate: false,
        requestedBy: job.created_by,
        requestId: job.request_id ?? undefined,
      });
  }

  /** The requester's rights as they are now: a job never acts with more than its requester still holds. */
  private async requester(job: ImportJobRow): Promise<AccessContext> {
    const access = job.created_by ? await this.access.load(job.created_by, `import-${job.id}`, job.request_id ?? undefined) : null;
    if (!access) throw new FileError('the user who started this import can no longer sign in');
    return access;
  }

  /**
   * Meters: each row a meter of the job's tenant, known by brand and serial number. A meter stored
   * already in the job's scope is left as it is (unchanged); one of another tenant is an error. New
   * meters go through MetersService.create with the requester's rights (profile allowed to the tenant,
   * serial free, the subscription it is fitted to, the audit entry), as the console's form does.
   */
  private async meters(job: ImportJobRow): Promise<KindRunner> {
    let at = new Map<string, number>();
    const toUtc = zonedTime();
    const zone = await this.repository.tenantZone(job.tenant_id);
    const seen = new Map<string, number>();
    const newPass = perPass(seen);
    let access: AccessContext | null = null;
    return {
      locate: (header) => (at = locateColumns(header, METER_COLUMNS)),
      batch: async (rows, write) => {
        newPass(write);
        const errors: RowError[] = [];
        const parsed = parseRows(rows, errors, (row) => {
          const p = parseMeterRow(row, at);
          return 'message' in p ? [p] : p;
        });
        const profiles = await this.repository.usableProfiles(
          'meter',
          job.tenant_id,
          parsed.map((p) => ({ brand: p.brand, model: p.model })),
        );
        const withProfile = parsed.flatMap((p) => {
          const profile = profiles.get(`${p.brand.toLowerCase()}|${p.model.toLowerCase()}`);
          if (profile) return [{ p, profile }];
          errors.push({ rowNo: p.rowNo, column: 'model', message: `no meter profile ${p.brand} ${p.model} that this tenant may use` });
          return [];
        });
        const existing = await this.repository.assetsByKey(
          'meter',
          withProfile.map(({ p, profile }) => ({ brandId: profile.brandId, serialNo: p.serialNo })),
        );
        const subscriptions = await this.repository.subscriptionsByNo(
          [job.tenant_id],
          [...new Set(withProfile.flatMap(({ p }) => (p.subscriptionNo ? [p.subscriptionNo] : [])))],
        );
        const now = Date.now();
        const fresh: { p: ParsedMeter; profileId: string; installedAt: Date | null; subscriptionId: string | null }[] = [];
        let unchanged = 0;
        for (const { p, profile } of withProfile) {
          const known = bySerial(`${profile.brandId}|${p.serialNo}`, p, 'meter', seen, existing, job.scope_tenant_ids);
          if (known !== 'new') {
            if (known === 'unchanged') unchanged++;
            else errors.push(known);
            continue;
          }
          const installedAt = meterInstalledAt(p, zone, toUtc, now);
          if (installedAt && 'message' in installedAt) {
            errors.push(installedAt);
            continue;
          }
          let subscriptionId: string | null = null;
          if (p.subscriptionNo) {
            const s = subscriptions.get(p.subscriptionNo);
            if (!s) {
              errors.push({ rowNo: p.rowNo, column: 'subscription_no', message: `no subscription ${p.subscriptionNo} in this tenant` });
              continue;
            }
            if (s.currentMeter) {
              errors.push({
                rowNo: p.rowNo,
                column: 'subscription_no',
                message: `subscription ${p.subscriptionNo} has meter ${s.currentMeter} already`,
              });
              continue;
            }
            const taken = seen.get(`subscription|${s.id}`);
            if (taken !== undefined) {
              errors.push({
                rowNo: p.rowNo,
                column: 'subscription_no',
                message: `row ${taken} fits a meter to subscription ${p.subscriptionNo} already`,
              });
              continue;
            }
            seen.set(`subscription|${s.id}`, p.rowNo);
            subscriptionId = s.id;
          }
          fresh.push({ p, profileId: profile.id, installedAt: installedAt, subscriptionId });
        }
        if (!write || !fresh.length) return { errors, created: fresh.length, unchanged };
        const requester = (access ??= await this.requester(job));
        const created = await createEach(
          fresh,
          errors,
          ({ p }) => p.rowNo,
          ({ p, profileId, installedAt, subscriptionId }) =>
            this.meterService.create(requester, {
              tenantId: job.tenant_id,
              meterProfileId: profileId,
              serialNo: p.serialNo,
              initialIndexM3: p.initialIndexM3,
              installedAt,
              status: p.status,
              hasValve: p.hasValve,
              subscriptionId,
              device: { mode: 'none' },
            }),
        );
        return { errors, created, unchanged };
      },
    };
  }

  /**
   * Customers, subscriptions and addresses: each row a subscription of the job's tenant with its address
   * and its customer (found by TC ID No or tax id in the tenant, else created with the row). A stored
   * subscription number is left as it is (unchanged). New ones go through SubscriptionsService.create with
   * the requester's rights — the console's rules (checksums, type, group) and audit entries.
   */
  private async customers(job: ImportJobRow): Promise<KindRunner> {
    let at = new Map<string, number>();
    const groups = await this.repository.subscriptionGroups();
    const seen = new Map<string, number>();
    // Customers this pass creates (write) or will create (check): key → id, or the row that creates it.
    const pending = new Map<string, { id: string | null; type: string; rowNo: number }>();
    const newPass = perPass(seen, pending);
    let access: AccessContext | null = null;
    return {
      locate: (header) => (at = locateColumns(header, CUSTOMER_COLUMNS)),
      batch: async (rows, write) => {
        newPass(write);
        const errors: RowError[] = [];
        const parsed = parseRows(rows, errors, (row) => parseCustomerRow(row, at, job.tenant_id));
        const subscriptions = await this.repository.subscriptionsByNo([job.tenant_id], [...new Set(parsed.map((p) => p.subscriptionNo))]);
        const customers = await this.repository.customersByKey(job.tenant_id, [...new Set(parsed.map((p) => p.customerKey))]);
        const fresh: ParsedCustomerRow[] = [];
        let unchanged = 0;
        for (const p of parsed) {
          const before = seen.get(p.subscriptionNo);
          if (before !== undefined) {
            errors.push({ rowNo: p.rowNo, column: 'subscription_no', message: `repeats the subscription of row ${before}` });
            continue;
          }
          seen.set(p.subscriptionNo, p.rowNo);
          if (subscriptions.has(p.subscriptionNo)) {
            unchanged++;
            continue;
          }
          const groupId = groups.get(p.group.toLowerCase());
          if (!groupId) {
            errors.push({ rowNo: p.rowNo, column: 'group', message: `no subscription group ${p.group}` });
            continue;
          }
          const known = customers.get(p.customerKey) ?? pending.get(p.customerKey);
          if (known && known.type !== p.input.type) {
            errors.push({ rowNo: p.rowNo, column: 'type', message: `the customer is ${known.type.toLowerCase()}` });
            continue;
          }
          if (!known) {
            // A new customer needs a valid TC ID No or tax id (a stored one is taken as it is: legacy data).
            const [kind, value] = [p.customerKey.slice(0, p.customerKey.indexOf(':')), p.customerKey.slice(p.customerKey.indexOf(':') + 1)];
            if (kind === 'tc' ? !isValidTcIdNo(value) : !isValidTaxId(value)) {
              errors.push(
                kind === 'tc'
                  ? { rowNo: p.rowNo, column: 'tc_id_no', message: 'is not a valid TC ID No (check digits)' }
                  : { rowNo: p.rowNo, column: 'tax_id', message: 'is not a valid tax id (check digit)' },
              );
              continue;
            }
            pending.set(p.customerKey, { id: null, type: p.input.type, rowNo: p.rowNo });
          }
          fresh.push({ ...p, input: { ...p.input, groupId } });
        }
        if (!write || !fresh.length) return { errors, created: fresh.length, unchanged };
        const requester = (access ??= await this.requester(job));
        const created = await createEach(
          fresh,
          errors,
          (p) => p.rowNo,
          async (p) => {
            const customerId = customers.get(p.customerKey)?.id ?? pending.get(p.customerKey)?.id ?? null;
            const input = customerId ? { ...p.input, customer: undefined, customerId } : p.input;
            const detail = await this.subscriptionService.create(requester, input);
            pending.set(p.customerKey, { id: detail.customer.id, type: p.input.type, rowNo: p.rowNo });
          },
        );
        return { errors, created, unchanged };
      },
    };
  }

  /**
   * Devices with their identifiers: each row a device of the job's tenant, known by brand and serial
   * number, optionally fitted to a meter by its serial number. The check runs DevicesService's own
   * creation in a transaction that is rolled back (profile allowed, serial free, every identifier's format
   * and uniqueness, as the console's form checks them); the write creates through DevicesService.create
   * with the requester's rights (and the meter's compatibility). A device stored already in the job's
   * scope is left as it is; one of another tenant is a row error.
   */
  private async devices(job: ImportJobRow): Promise<KindRunner> {
    let cols: DeviceColumns = { at: new Map(), identifiers: new Map() };
    const seen = new Map<string, number>();
    const newPass = perPass(seen);
    let access: AccessContext | null = null;
    return {
      locate: (header) => {
        cols = locateDeviceColumns(header);
        return cols.at;
      },
      batch: async (rows, write) => {
        newPass(write);
        const requester = (access ??= await this.requester(job));
        const errors: RowError[] = [];
        const parsed = parseRows(rows, errors, (row) => {
          const p = parseDeviceRow(row, cols);
          return 'message' in p ? [p] : p;
        });
        const profiles = await this.repository.usableProfiles(
          'device',
          job.tenant_id,
          parsed.map((p) => ({ brand: p.brand, model: p.model })),
        );
        const existing = await this.repository.assetsByKey(
          'device',
          parsed.flatMap((p) => {
            const profile = profiles.get(`${p.brand.toLowerCase()}|${p.model.toLowerCase()}`);
            return profile ? [{ brandId: profile.brandId, serialNo: p.serialNo }] : [];
          }),
        );
        const meters = await this.repository.metersBySerial(job.tenant_id, [
          ...new Set(parsed.flatMap((p) => (p.meterSerial ? [p.meterSerial] : []))),
        ]);
        const fresh: { p: ParsedDevice; profileId: string; meterId: string | null }[] = [];
        let unchanged = 0;
        for (const p of parsed) {
          const profile = profiles.get(`${p.brand.toLowerCase()}|${p.model.toLowerCase()}`);
          if (!profile) {
            errors.push({ rowNo: p.rowNo, column: 'model', message: `no device profile ${p.brand} ${p.model} that this tenant may use` });
            continue;
          }
          const known = bySerial(`${profile.brandId}|${p.serialNo}`, p, 'device', seen, existing, job.scope_tenant_ids);
          if (known !== 'new') {
            if (known === 'unchanged') unchanged++;
            else errors.push(known);
            continue;
          }
          let meter: ImportMeter | null = null;
          if (p.meterSerial) {
            const candidates = (meters.get(p.meterSerial) ?? []).filter(
              (m) => !p.meterBrand || m.brand.toLowerCase() === p.meterBrand.toLowerCase(),
            );
            if (candidates.length !== 1) {
              errors.push({
                rowNo: p.rowNo,
                column: candidates.length ? 'meter_brand' : 'meter_serial',
                message: candidates.length
                  ? `meter serial ${p.meterSerial} belongs to several brands: give meter_brand`
                  : `no meter with serial number ${p.meterSerial} in this tenant`,
              });
              continue;
            }
            const taken = seen.get(`meter|${candidates[0].id}`);
            if (candidates[0].hasDevice || taken !== undefined) {
              errors.push({
                rowNo: p.rowNo,
                column: 'meter_serial',
                message: `meter ${p.meterSerial} has a device already${taken !== undefined ? ` (row ${taken})` : ''}`,
              });
              continue;
            }
            seen.set(`meter|${candidates[0].id}`, p.rowNo);
            meter = candidates[0];
          }
          const input = { deviceProfileId: profile.id, serialNo: p.serialNo, status: p.status, identifiers: p.identifiers };
          if (!write) {
            // With the meter, so the dry run meets the real run's profile compatibility check too.
            const refused = await this.dryCreateDevice(requester, job.tenant_id, input, meter);
            if (refused) {
              errors.push({ rowNo: p.rowNo, column: null, message: refused });
              continue;
            }
          }
          fresh.push({ p, profileId: profile.id, meterId: meter?.id ?? null });
        }
        if (!write || !fresh.length) return { errors, created: fresh.length, unchanged };
        const created = await createEach(
          fresh,
          errors,
          ({ p }) => p.rowNo,
          ({ p, profileId, meterId }) =>
            this.deviceService.create(requester, {
              tenantId: job.tenant_id,
              meterId,
              deviceProfileId: profileId,
              serialNo: p.serialNo,
              status: p.status,
              identifiers: p.identifiers,
            }),
        );
        return { errors, created, unchanged };
      },
    };
  }

  /** DevicesService's own creation, rolled back: the refusal it would answer, or null when it would pass. */
  private async dryCreateDevice(
    access: AccessContext,
    tenantId: string,
    input: Parameters<DevicesService['createInTx']>[3],
    meter: ImportMeter | null,
  ): Promise<string | null> {
    try {
      await this.unitOfWork.run(async (tx) => {
        await this.deviceService.createInTx(access, tx, tenantId, input, [], meter);
        throw new DryRunRollback();
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return null;
      return refusal(err);
    }
    return null;
  }
}

/** Thrown to roll a dry run's transaction back. */
class DryRunRollback extends Error {}

/** A kind's per-pass state: `newPass(write)` clears `maps` when the pass changes (check, then write). */
function perPass(...maps: Map<string, unknown>[]): (write: boolean) => void {
  let pass: boolean | null = null;
  return (write) => {
    if (pass !== write) {
      for (const map of maps) map.clear();
      pass = write;
    }
  };
}

/** A batch's rows parsed by `parse`; unreadable rows, rows with a NUL character and `parse`'s errors go to `errors`. */
function parseRows<T extends object>(rows: TableRow[], errors: RowError[], parse: (row: TableRow) => T | RowError[]): T[] {
  const parsed: T[] = [];
  for (const row of rows) {
    if (row.error) errors.push({ rowNo: row.rowNo, column: null, message: row.error });
    else if (row.cells.some((c) => typeof c === 'string' && c.includes('\u0000')))
      errors.push({ rowNo: row.rowNo, column: null, message: 'contains a NUL character' });
    else {
      const p = parse(row);
      if (Array.isArray(p)) errors.push(...p);
      else parsed.push(p);
    }
  }
  return parsed;
}

/**
 * A meter's or device's row by its `brandId|serial` key: an error when an earlier row of the pass or
 * another tenant's asset has it, 'unchanged' when it is stored in the job's scope, else 'new'.
 */
function bySerial(
  key: string,
  p: { rowNo: number; serialNo: string; brand: string },
  what: 'meter' | 'device',
  seen: Map<string, number>,
  existing: Map<string, { tenantId: string }>,
  scopeTenantIds: string[],
): 'new' | 'unchanged' | RowError {
  const before = seen.get(key);
  if (before !== undefined) return { rowNo: p.rowNo, column: 'serial_no', message: `repeats the ${what} of row ${before}` };
  seen.set(key, p.rowNo);
  const stored = existing.get(key);
  if (!stored) return 'new';
  if (scopeTenantIds.includes(stored.tenantId)) return 'unchanged';
  return { rowNo: p.rowNo, column: 'serial_no', message: `serial number ${p.serialNo} of ${p.brand} is already in use` };
}

/** Writes each item through `create`, one after another; a refusal is its row's error. Returns how many were created. */
async function createEach<T>(
  items: T[],
  errors: RowError[],
  rowNo: (item: T) => number,
  create: (item: T) => Promise<unknown>,
): Promise<number> {
  let created = 0;
  for (const item of items) {
    try {
      await create(item);
      created++;
    } catch (err) {
      errors.push({ rowNo: rowNo(item), column: null, message: refusal(err) });
    }
  }
  return created;
}

/** A service's refusal as one line for the report (the error filter's message and details). */
function refusal(err: unknown): string {
  if (err instanceof HttpException) {
    const body = err.getResponse() as { message?: string; details?: { path: (string | number)[]; message: string }[] } | string;
    if (typeof body === 'string') return body;
    const details = (body.details ?? []).map((d) => `${d.path.join('.')}: ${d.message}`).join('; ');
    return [body.message, details].filter(Boolean).join(' — ');
  }
  throw err;
}
