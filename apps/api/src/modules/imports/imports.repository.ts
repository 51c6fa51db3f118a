import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export type ImportKind = 'READINGS' | 'METERS' | 'CUSTOMERS' | 'DEVICES';
export type ImportStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';

export interface ImportJobRow {
  id: string;
  tenant_id: string;
  file_id: string;
  kind: ImportKind;
  dry_run: boolean;
  status: ImportStatus;
  encoding: string | null;
  delimiter: string | null;
  used_encoding: string | null;
  used_delimiter: string | null;
  scope_tenant_ids: string[];
  total_rows: number;
  created_rows: number;
  unchanged_rows: number;
  failed_rows: number;
  message: string | null;
  created_by: string | null;
  request_id: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  file_name: string;
  file_size: string;
  file_format: 'CSV' | 'XLSX';
  /** When the retention job deleted the file's content (the job and its report stay). */
  file_purged_at: Date | null;
}

export interface RowError {
  rowNo: number;
  column: string | null;
  message: string;
}

/** A device a reading row names, with what storing its readings needs. */
export interface ReadingTarget {
  /** The reading's key: the meter's device, or the meter's own id when it has none (docs/decisions.md). */
  deviceId: string;
  deviceSerialNo: string | null;
  meterId: string;
  meterSerialNo: string;
  meterBrand: string;
  meterHasValve: boolean;
  tenantId: string;
  timeZone: string;
  /** The meter profile's Q3 and register capacity, which the meter-data rules judge readings by. */
  q3M3h: number | null;
  registerCapacityM3: number | null;
  /** The meter's subscriptions over time (with their group), to pick the one a reading's time falls in. */
  periods: { subscriptionId: string; groupId: string; startedAt: Date; endedAt: Date | null }[];
}

/** A meter a devices row fits its device to (the shape DevicesService takes as an attachable meter). */
export interface ImportMeter {
  id: string;
  tenantId: string;
  serialNo: string;
  meterProfileId: string;
  brand: string;
  hasDevice: boolean;
}

/** Import files (in chunks), jobs and their row errors; look-ups of the objects import rows name. */
@Injectable()
export class ImportsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db() {
    return this.database.db;
  }

  async createFile(tenantId: string, name: string, format: 'CSV' | 'XLSX'): Promise<string> {
    const row = await this.db
      .insertInto('import_file')
      .values({ tenant_id: tenantId, name, format, size_bytes: '0' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async addChunk(fileId: string, seq: number, data: Buffer): Promise<void> {
    await this.db.insertInto('import_file_chunk').values({ file_id: fileId, seq, data }).execute();
  }

  async finishFile(fileId: string, size: number): Promise<void> {
    await this.db
      .updateTable('import_file')
      .set({ size_bytes: String(size) })
      .where('id', '=', fileId)
      .execute();
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.db.deleteFrom('import_file').where('id', '=', fileId).execute();
  }

  /** The file's chunks in order, one query per chunk: one chunk in memory at a time. */
  async *chunks(fileId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const row = await this.db
        .selectFrom('import_file_chunk')
        .select('data')
        .where('file_id', '=', fileId)
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (!row) return;
      yield Buffer.from(row.data);
    }
  }

  /** The file's last `bytes` bytes (an XLSX's zip directory). */
  async tail(fileId: string, bytes: number): Promise<Buffer> {
    const rows = await this.db
      .selectFrom('import_file_chunk')
      .select('data')
      .where('file_id', '=', fileId)
      .orderBy('seq', 'desc')
      .limit(Math.max(1, Math.ceil(bytes / 1_048_576) + 1))
      .execute();
    const joined = Buffer.concat(rows.reverse().map((r) => Buffer.from(r.data)));
    return joined.subarray(Math.max(0, joined.length - bytes));
  }

  /** In `tx` (Prisma's client: the job outbox writes its run in the same transaction). */
  async createJob(
    tx: Transaction,
    job: {
      tenantId: string;
      fileId: string;
      kind: ImportKind;
      dryRun: boolean;
      encoding: string | null;
      delimiter: string | null;
      scopeTenantIds: string[];
      createdBy: string;
      requestId: string | null;
    },
  ): Promise<string> {
    const row = await clientOf(this.database, tx).importJob.create({ data: job, select: { id: true } });
    return row.id;
  }

  private jobs() {
    return this.db
      .selectFrom('import_job as j')
      .innerJoin('import_file as f', 'f.id', 'j.file_id')
      .selectAll('j')
      .select([
        'f.name as file_name',
        sql<string>`f.size_bytes::text`.as('file_size'),
        'f.format as file_format',
        'f.purged_at as file_purged_at',
      ]);
  }

  /**
   * Deletes the chunks of uploads made before `before` that no job still waits on or runs, and marks
   * them purged; their rows, jobs, counts and row errors stay. At most `limit` files a call (the oldest);
   * a file a running request holds is skipped (SKIP LOCKED) and taken the next day.
   */
  async purgeFiles(before: Date, limit: number): Promise<{ files: number; bytes: number }> {
    const { rows } = await sql<{ files: string; bytes: string | null }>`
      WITH due AS (
        SELECT f.id FROM import_file f
         WHERE f.purged_at IS NULL AND f.created_at < ${before}::timestamptz
           AND NOT EXISTS (SELECT 1 FROM import_job j WHERE j.file_id = f.id AND j.status IN ('QUEUED', 'RUNNING'))
         ORDER BY f.created_at
         LIMIT ${limit}
           FOR UPDATE OF f SKIP LOCKED
      ), gone AS (
        DELETE FROM import_file_chunk c USING due WHERE c.file_id = due.id RETURNING octet_length(c.data) AS n
      ), marked AS (
        UPDATE import_file f SET purged_at = now() FROM due WHERE f.id = due.id RETURNING f.id
      )
      SELECT (SELECT count(*) FROM marked)::text AS files, (SELECT sum(n) FROM gone)::text AS bytes`.execute(this.db);
    return { files: Number(rows[0]?.files ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  async job(id: string): Promise<ImportJobRow | undefined> {
    return (await this.jobs().where('j.id', '=', id).executeTakeFirst()) as ImportJobRow | undefined;
  }

  /** Jobs of the given kinds, each within its tenants, newest first. */
  async page(
    scopes: { kind: ImportKind; tenantIds: string[] }[],
    skip: number,
    take: number,
  ): Promise<{ rows: ImportJobRow[]; total: number }> {
    const visible = scopes.filter((s) => s.tenantIds.length);
    if (!visible.length) return { rows: [], total: 0 };
    const scoped = (alias: string) =>
      sql<boolean>`(${sql.join(
        visible.map(
          (s) =>
            sql`(${sql.ref(`${alias}.kind`)} = ${s.kind}::import_kind AND ${sql.ref(`${alias}.tenant_id`)} = ANY(${s.tenantIds}::uuid[]))`,
        ),
        sql` OR `,
      )})`;
    const [rows, count] = await Promise.all([
      this.jobs().where(scoped('j')).orderBy('j.created_at', 'desc').orderBy('j.id', 'desc').offset(skip).limit(take).execute(),
      this.db
        .selectFrom('import_job as j')
        .where(scoped('j'))
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows: rows as ImportJobRow[], total: Number(count.n) };
  }

  /** Takes a queued job (a retried one starts over: its counts and errors are reset); false when it is finished. */
  async start(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('import_job')
        .set({
          status: 'RUNNING',
          started_at: new Date(),
          total_rows: 0,
          created_rows: 0,
          unchanged_rows: 0,
          failed_rows: 0,
          message: null,
        })
        .where('id', '=', id)
        .where('status', 'in', ['QUEUED', 'RUNNING'])
        .returning('id')
        .executeTakeFirst();
      if (row) await trx.deleteFrom('import_row_error').where('job_id', '=', id).execute();
      return Boolean(row);
    });
  }

  async progress(
    id: string,
    p: {
      totalRows: number;
      createdRows: number;
      unchangedRows: number;
      failedRows: number;
      usedEncoding?: string | null;
      usedDelimiter?: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('import_job')
      .set({
        total_rows: p.totalRows,
        created_rows: p.createdRows,
        unchanged_rows: p.unchangedRows,
        failed_rows: p.failedRows,
        ...(p.usedEncoding !== undefined ? { used_encoding: p.usedEncoding } : {}),
        ...(p.usedDelimiter !== undefined ? { used_delimiter: p.usedDelimiter } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, status: 'DONE' | 'FAILED', message: string | null): Promise<void> {
    await this.db
      .updateTable('import_job')
      .set({ status, message: message?.slice(0, 1000) ?? null, finished_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async addErrors(jobId: string, errors: RowError[]): Promise<void> {
    if (!errors.length) return;
    const seqs = new Map<number, number>();
    const values = errors.map((e) => {
      const seq = seqs.get(e.rowNo) ?? 0;
      seqs.set(e.rowNo, seq + 1);
      return { job_id: jobId, row_no: e.rowNo, seq, column: e.column?.slice(0, 100) ?? null, message: e.message.slice(0, 500) };
    });
    for (let i = 0; i < values.length; i += 1000)
      await this.db
        .insertInto('import_row_error')
        .values(values.slice(i, i + 1000))
        .onConflict((oc) => oc.doNothing())
        .execute();
  }

  /** The job's row errors in row order, in chunks: the error report streams. */
  async *errors(jobId: string, chunk = 2000): AsyncGenerator<RowError[]> {
    let after: [number, number] = [-1, -1];
    for (;;) {
      const rows = await this.db
        .selectFrom('import_row_error')
        .select(['row_no', 'seq', 'column', 'message'])
        .where('job_id', '=', jobId)
        .where(sql<boolean>`(row_no, seq) > (${after[0]}, ${after[1]})`)
        .orderBy('row_no')
        .orderBy('seq')
        .limit(chunk)
        .execute();
      if (!rows.length) return;
      yield rows.map((r) => ({ rowNo: r.row_no, column: r.column, message: r.message }));
      const last = rows[rows.length - 1];
      after = [last.row_no, last.seq];
    }
  }

  /**
   * Meters a reading row may name, within `tenantIds`: by their serial number (with the brand's name when
   * given; a meter without a device too, its readings keyed on its own id) or by their device's serial
   * number or a unique identifier (DevEUI, IMEI, …).
   * Devices of other tenants are not found: a row naming one fails as unknown, never writes.
   */
  async readingTargets(
    tenantIds: string[],
    by: { meterSerials: string[]; deviceKeys: string[] },
  ): Promise<{
    byMeterSerial: Map<string, ReadingTarget[]>;
    byDeviceKey: Map<string, ReadingTarget>;
  }> {
    const byMeterSerial = new Map<string, ReadingTarget[]>();
    const byDeviceKey = new Map<string, ReadingTarget>();
    if (!tenantIds.length || (!by.meterSerials.length && !by.deviceKeys.length)) return { byMeterSerial, byDeviceKey };
    const base = this.db
      .selectFrom('meter as m')
      .innerJoin('meter_brand as b', 'b.id', 'm.brand_id')
      .innerJoin('tenant as t', 't.id', 'm.tenant_id')
      .innerJoin('meter_profile as mp', 'mp.id', 'm.meter_profile_id')
      .leftJoin('device as d', 'd.meter_id', 'm.id')
      .select([
        'd.id as device_id',
        'd.serial_no as device_serial_no',
        'm.id as meter_id',
        'm.serial_no as meter_serial_no',
        'b.name as meter_brand',
        'm.has_valve',
        'm.tenant_id',
        't.time_zone',
        'mp.q3',
        'mp.register_capacity_m3',
      ])
      .where('m.tenant_id', 'in', tenantIds);
    type Found = {
      device_id: string | null;
      device_serial_no: string | null;
      meter_id: string;
      meter_serial_no: string;
      meter_brand: string;
      has_valve: boolean;
      tenant_id: string;
      time_zone: string;
      q3: string;
      register_capacity_m3: string | null;
    };
    const found: (Found & { key?: string })[] = [];
    if (by.meterSerials.length) found.push(...((await base.where('m.serial_no', 'in', by.meterSerials).execute()) as Found[]));
    if (by.deviceKeys.length) {
      const lower = by.deviceKeys.map((k) => k.toLowerCase());
      const rows = (await base
        .leftJoin('device_identifier as di', (j) => j.onRef('di.device_id', '=', 'd.id').on('di.is_unique', '=', true))
        .select(['di.normalized_value'])
        .where((eb) => eb.or([eb('d.serial_no', 'in', by.deviceKeys), eb('di.normalized_value', 'in', lower)]))
        .execute()) as (Found & { normalized_value: string | null })[];
      for (const r of rows) {
        const key = by.deviceKeys.includes(r.device_serial_no ?? '')
          ? r.device_serial_no!
          : by.deviceKeys.find((k) => k.toLowerCase() === r.normalized_value);
        if (key) found.push({ ...r, key });
      }
    }
    const periods = await this.meterPeriods([...new Set(found.map((f) => f.meter_id))]);
    const target = (f: Found): ReadingTarget => ({
      deviceId: f.device_id ?? f.meter_id,
      deviceSerialNo: f.device_serial_no,
      meterId: f.meter_id,
      meterSerialNo: f.meter_serial_no,
      meterBrand: f.meter_brand,
      meterHasValve: f.has_valve,
      tenantId: f.tenant_id,
      timeZone: f.time_zone,
      q3M3h: f.q3 === null ? null : Number(f.q3),
      registerCapacityM3: f.register_capacity_m3 === null ? null : Number(f.register_capacity_m3),
      periods: periods.get(f.meter_id) ?? [],
    });
    for (const f of found) {
      if (f.key !== undefined) {
        if (f.device_id) byDeviceKey.set(f.key, target(f));
        continue;
      }
      const list = byMeterSerial.get(f.meter_serial_no) ?? [];
      list.push(target(f));
      byMeterSerial.set(f.meter_serial_no, list);
    }
    return { byMeterSerial, byDeviceKey };
  }

  private async meterPeriods(meterIds: string[]): Promise<Map<string, ReadingTarget['periods']>> {
    const out = new Map<string, ReadingTarget['periods']>();
    if (!meterIds.length) return out;
    const rows = await this.db
      .selectFrom('subscription_meter as sm')
      .innerJoin('subscription as s', 's.id', 'sm.subscription_id')
      .select(['sm.meter_id', 'sm.subscription_id', 's.group_id', 'sm.started_at', 'sm.ended_at'])
      .where('sm.meter_id', 'in', meterIds)
      .orderBy('sm.started_at')
      .execute();
    for (const r of rows) {
      const list = out.get(r.meter_id) ?? [];
      list.push({
        subscriptionId: r.subscription_id,
        groupId: r.group_id,
        startedAt: new Date(r.started_at),
        endedAt: r.ended_at ? new Date(r.ended_at) : null,
      });
      out.set(r.meter_id, list);
    }
    return out;
  }

  /** Index of each stored reading among `keys` (device, time), for the dry run's "stored already" and conflicts. */
  async storedIndexes(keys: { deviceId: string; time: Date }[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (!keys.length) return out;
    const { rows } = await sql<{ device_id: string; time: Date; index_m3: string }>`
      SELECT r.device_id, r.time, r.index_m3 FROM reading r
      JOIN unnest(${keys.map((k) => k.deviceId)}::uuid[], ${keys.map((k) => k.time)}::timestamptz[]) AS v(device_id, time)
        ON r.device_id = v.device_id AND r.time = v.time`.execute(this.db);
    for (const r of rows) out.set(`${r.device_id}|${new Date(r.time).getTime()}`, Number(r.index_m3));
    return out;
  }

  async tenantZone(tenantId: string): Promise<string> {
    const row = await this.db.selectFrom('tenant').select('time_zone').where('id', '=', tenantId).executeTakeFirst();
    return row?.time_zone ?? 'Europe/Istanbul';
  }

  /**
   * Meter or device profiles by brand name and model code (case-insensitive) that `tenantId` may use: the
   * root uses every profile, another tenant those allowed to it. Keyed `brand|model`, lower case.
   */
  async usableProfiles(
    kind: 'meter' | 'device',
    tenantId: string,
    pairs: { brand: string; model: string }[],
  ): Promise<Map<string, { id: string; brandId: string }>> {
    const out = new Map<string, { id: string; brandId: string }>();
    if (!pairs.length) return out;
    const { rows } = await sql<{ id: string; brand_id: string; brand: string; model: string }>`
      SELECT p.id, p.brand_id, lower(b.name) AS brand, lower(p.model_code) AS model
        FROM ${sql.table(`${kind}_profile`)} p JOIN ${sql.table(`${kind}_brand`)} b ON b.id = p.brand_id
        JOIN unnest(${pairs.map((p) => p.brand.toLowerCase())}::text[], ${pairs.map((p) => p.model.toLowerCase())}::text[]) AS v(brand, model)
          ON lower(b.name) = v.brand AND lower(p.model_code) = v.model
       WHERE (SELECT parent_id IS NULL FROM tenant WHERE id = ${tenantId}::uuid)
          OR EXISTS (SELECT 1 FROM ${sql.table(`tenant_${kind}_profile`)} a
                      WHERE a.tenant_id = ${tenantId}::uuid AND ${sql.ref(`a.${kind}_profile_id`)} = p.id)`.execute(this.db);
    for (const r of rows) out.set(`${r.brand}|${r.model}`, { id: r.id, brandId: r.brand_id });
    return out;
  }

  /**
   * Meters or devices with these (brand, serial) keys, anywhere (serial numbers are unique per brand
   * platform-wide). Keyed `brandId|serial`.
   */
  async assetsByKey(
    kind: 'meter' | 'device',
    keys: { brandId: string; serialNo: string }[],
  ): Promise<Map<string, { id: string; tenantId: string }>> {
    const out = new Map<string, { id: string; tenantId: string }>();
    if (!keys.length) return out;
    const { rows } = await sql<{ id: string; tenant_id: string; brand_id: string; serial_no: string }>`
      SELECT a.id, a.tenant_id, a.brand_id, a.serial_no FROM ${sql.table(kind)} a
        JOIN unnest(${keys.map((k) => k.brandId)}::uuid[], ${keys.map((k) => k.serialNo)}::text[]) AS v(brand_id, serial_no)
          ON a.brand_id = v.brand_id AND a.serial_no = v.serial_no`.execute(this.db);
    for (const r of rows) out.set(`${r.brand_id}|${r.serial_no}`, { id: r.id, tenantId: r.tenant_id });
    return out;
  }

  /** Subscriptions of `tenantIds` by their number, with the serial of the meter they have now (if any). */
  async subscriptionsByNo(
    tenantIds: string[],
    numbers: string[],
  ): Promise<Map<string, { id: string; tenantId: string; currentMeter: string | null }>> {
    const out = new Map<string, { id: string; tenantId: string; currentMeter: string | null }>();
    if (!tenantIds.length || !numbers.length) return out;
    const rows = await this.db
      .selectFrom('subscription as s')
      .leftJoin('subscription_meter as sm', (j) => j.onRef('sm.subscription_id', '=', 's.id').on('sm.ended_at', 'is', null))
      .leftJoin('meter as m', 'm.id', 'sm.meter_id')
      .select(['s.id', 's.tenant_id', 's.subscription_no', 'm.serial_no'])
      .where('s.tenant_id', 'in', tenantIds)
      .where('s.subscription_no', 'in', numbers)
      .execute();
    for (const r of rows) out.set(r.subscription_no, { id: r.id, tenantId: r.tenant_id, currentMeter: r.serial_no });
    return out;
  }

  /** Subscription groups by code and by either name (Turkish, English), lower case → id; a code wins over a name spelled the same. */
  async subscriptionGroups(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('subscription_group').select(['id', 'code', 'name', 'name_en']).execute();
    const out = new Map<string, string>();
    for (const r of rows) out.set(r.code.toLowerCase(), r.id);
    for (const r of rows) {
      for (const name of [r.name, r.name_en]) if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), r.id);
    }
    return out;
  }

  /** Customers of a tenant by TC ID No (`tc:…`) and tax id (`tax:…`). */
  async customersByKey(tenantId: string, keys: string[]): Promise<Map<string, { id: string; type: 'INDIVIDUAL' | 'ORGANIZATIONAL' }>> {
    const out = new Map<string, { id: string; type: 'INDIVIDUAL' | 'ORGANIZATIONAL' }>();
    const tcs = keys.filter((k) => k.startsWith('tc:')).map((k) => k.slice(3));
    const taxes = keys.filter((k) => k.startsWith('tax:')).map((k) => k.slice(4));
    if (!tcs.length && !taxes.length) return out;
    const rows = await this.db
      .selectFrom('customer')
      .select(['id', 'customer_type', 'tc_id_no', 'tax_id'])
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([...(tcs.length ? [eb('tc_id_no', 'in', tcs)] : []), ...(taxes.length ? [eb('tax_id', 'in', taxes)] : [])]))
      .execute();
    for (const r of rows) {
      const type = r.customer_type;
      if (r.tc_id_no && tcs.includes(r.tc_id_no)) out.set(`tc:${r.tc_id_no}`, { id: r.id, type });
      if (r.tax_id && taxes.includes(r.tax_id)) out.set(`tax:${r.tax_id}`, { id: r.id, type });
    }
    return out;
  }

  /** Meters of a tenant by serial number, with their brand and whether a device is fitted. */
  async metersBySerial(tenantId: string, serials: string[]): Promise<Map<string, ImportMeter[]>> {
    const out = new Map<string, ImportMeter[]>();
    if (!serials.length) return out;
    const rows = await this.db
      .selectFrom('meter as m')
      .innerJoin('meter_brand as b', 'b.id', 'm.brand_id')
      .leftJoin('device as d', 'd.meter_id', 'm.id')
      .select(['m.id', 'm.tenant_id', 'm.serial_no', 'm.meter_profile_id', 'b.name', 'd.id as device_id'])
      .where('m.tenant_id', '=', tenantId)
      .where('m.serial_no', 'in', serials)
      .execute();
    for (const r of rows) {
      const list = out.get(r.serial_no) ?? [];
      list.push({
        id: r.id,
        tenantId: r.tenant_id,
        serialNo: r.serial_no,
        meterProfileId: r.meter_profile_id,
        brand: r.name,
        hasDevice: r.device_id !== null,
      });
      out.set(r.serial_no, list);
    }
    return out;
  }
}
