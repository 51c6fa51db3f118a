import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { JobsService } from '../../core/jobs/jobs.service';
import { JobName } from '../../core/jobs/jobs.types';
import {
  MAX_PHOTO_BYTES,
  mapRevision,
  type CorrectReading,
  type GapList,
  type GapsQuery,
  type ManualReading,
  type MeterDataSettings,
  type ReadingSnapshot,
  type Revalidate,
  type RevisedReading,
  type SaveSettings,
} from './meter-data.dto';
import { MeterDataRepository, type MeterRecord, type StoredReading } from './meter-data.repository';
import { timestamp } from './rules/timestamp';
import { DEFAULT_PARAMS, MeterDataParamsSchema, resolveParams, type ParamsOverride } from './settings';
import { ValidationService } from './validation.service';

/**
 * Meter data management for operators: validation settings per tenant and subscription group, manual
 * readings and corrections (the original kept in the reading's history and the audit log), and
 * revalidation runs. Editing readings is the LIVE_READINGS module's create (enter) and update
 * (correct, revalidate) right at the meter's tenant.
 */
@Injectable()
export class MeterDataService {
  constructor(
    private readonly repository: MeterDataRepository,
    private readonly validation: ValidationService,
    private readonly unitOfWork: UnitOfWork,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
  ) {}

  // ─── Settings ────────────────────────────────────────────────────────────────────

  async settings(access: AccessContext, tenantId: string): Promise<MeterDataSettings> {
    access.require('TENANTS', 'read', tenantId, 'tenant', tenantId);
    // The ancestors' rows are inherited values, outside the caller's row-level scope.
    const rows = (await asSystem(() => this.repository.settingsRows([tenantId]))).get(tenantId) ?? [];
    const own = await this.repository.ownSettings(tenantId);
    const groups = await this.repository.groups();
    return {
      tenantId,
      defaults: DEFAULT_PARAMS,
      effective: resolveParams(rows, null),
      own: own.find((r) => r.group_id === null)?.params ?? {},
      groups: groups.map((g) => ({
        subscriptionGroupId: g.id,
        code: g.code,
        name: g.name,
        nameEn: g.name_en,
        own: own.find((r) => r.group_id === g.id)?.params ?? {},
        effective: resolveParams(rows, g.id),
      })),
    };
  }

  async saveSettings(access: AccessContext, tenantId: string, input: SaveSettings): Promise<MeterDataSettings> {
    access.require('TENANTS', 'update', tenantId, 'tenant', tenantId);
    const groupId = input.subscriptionGroupId ?? null;
    if (groupId && !(await this.repository.groupExists(groupId))) throw new EntityNotFoundException('subscription group', groupId);
    const params = Object.fromEntries(Object.entries(input.params).filter(([, v]) => v && Object.keys(v).length)) as ParamsOverride;
    // The values in force afterwards must hold together (e.g. the night window's start before its end).
    const rows = (await asSystem(() => this.repository.settingsRows([tenantId]))).get(tenantId) ?? [];
    const others = rows.filter((r) => !(r.ownerId === tenantId && r.subscriptionGroupId === groupId));
    const depth = Math.max(0, ...rows.map((r) => r.depth)) + 1;
    const check = MeterDataParamsSchema.safeParse(resolveParams([...others, { depth, subscriptionGroupId: groupId, params }], groupId));
    if (!check.success)
      throw new BadInputException(
        'the parameters in force would not hold together',
        check.error.issues.map((i) => ({ path: ['body', 'params', ...i.path.map(String)], message: i.message })),
      );
    await this.unitOfWork.run(async (tx) => {
      const before = await this.repository.saveSettings(tx, tenantId, groupId, params, access.userId);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'meter_data_settings', entityId: groupId ?? tenantId, tenantId, before, after: params },
        tx,
      );
    });
    this.validation.forgetSettings();
    return this.settings(access, tenantId);
  }

  // ─── Readings ────────────────────────────────────────────────────────────────────

  /**
   * A manual reading from a field visit: stored EDITED (manual), estimates around it replaced. It is keyed
   * on the meter's device, or on the meter's own id when no device is fitted (a mechanical meter read by
   * hand; docs/decisions.md "Readings of a meter without a device").
   */
  async enter(access: AccessContext, meterId: string, input: ManualReading): Promise<RevisedReading> {
    const meter = await this.visibleMeter(access, meterId, 'create');
    const ctx = await this.validation.meterContext(meter);
    const now = new Date();
    if (timestamp(input.time, now, { ...ctx.params.timestamp, enabled: true }).rule === 'future-time')
      throw new BadInputException('a reading cannot be entered for the future', [{ path: ['body', 'time'], message: 'is in the future' }]);
    const photo = decodePhoto(input.photo);
    const revision = await this.unitOfWork.run(async (tx) => {
      await this.repository.lockMeter(tx, meter.id);
      // A real reading replaces the estimates between its real neighbours (an estimate at its very time too).
      const around = await this.realNeighbours(tx, meter.id, input.time);
      await this.repository.deleteEstimates(tx, meter.id, around.from, around.to);
      // Any reading of the meter at that instant (of its device, an earlier device or its own series) is the one to correct.
      if (await this.repository.readingAt(tx, meter.id, input.time))
        throw new ConflictException(
          'a reading is stored at that time: correct it instead',
          [{ path: ['body', 'time'], message: 'taken' }],
          { code: 'readingExists' },
        );
      await this.repository.insertReadings(tx, [
        {
          time: input.time,
          deviceId: readingSeries(meter),
          meterId: meter.id,
          subscriptionId: await this.repository.subscriptionAt(tx, meter.id, input.time),
          tenantId: meter.tenantId,
          indexM3: input.indexM3,
          source: 'MANUAL',
          quality: 'EDITED',
          rule: 'manual',
        },
      ]);
      await this.validation.recompute(tx, meter, ctx, around.from, around.to);
      await this.repository.refreshMeterLast(tx, meter.id);
      const after = await this.repository.readingAt(tx, meter.id, input.time);
      return this.record(tx, access, meter, after!, 'create', input.reason, null, photo);
    });
    return revision;
  }

  /** Corrects a stored reading's index: EDITED (correction); the values before stay in its history. */
  async correct(access: AccessContext, meterId: string, time: Date, input: CorrectReading): Promise<RevisedReading> {
    const meter = await this.visibleMeter(access, meterId, 'update');
    const ctx = await this.validation.meterContext(meter);
    const photo = decodePhoto(input.photo);
    return this.unitOfWork.run(async (tx) => {
      await this.repository.lockMeter(tx, meter.id);
      const before = await this.repository.readingAt(tx, meter.id, time);
      if (!before) throw new EntityNotFoundException('reading', `${meterId}@${time.toISOString()}`);
      await this.repository.setIndex(
        tx,
        before.deviceId,
        time,
        input.indexM3,
        before.quality === 'EDITED' && before.rule === 'manual' ? 'manual' : 'correction',
      );
      await this.validation.recompute(tx, meter, ctx, time, time);
      await this.repository.refreshMeterLast(tx, meter.id);
      const after = await this.repository.readingAt(tx, meter.id, time);
      return this.record(tx, access, meter, after!, 'update', input.reason, snapshot(before), photo);
    });
  }

  async revisions(access: AccessContext, meterId: string, time: Date) {
    const meter = await this.repository.meter(meterId);
    if (!meter) throw new EntityNotFoundException('meter', meterId);
    access.require('METERS', 'read', meter.tenantId, 'meter', meterId);
    return { items: (await this.repository.revisions(meterId, time)).map(mapRevision) };
  }

  async photo(access: AccessContext, revisionId: string): Promise<{ contentType: string; bytes: Buffer }> {
    const row = await this.repository.revisionPhoto(revisionId);
    if (!row) throw new EntityNotFoundException('reading revision', revisionId);
    access.require('METERS', 'read', row.tenant_id, 'reading revision', revisionId);
    if (!row.photo || !row.photo_content_type) throw new EntityNotFoundException('photo of reading revision', revisionId);
    return { contentType: row.photo_content_type, bytes: Buffer.from(row.photo) };
  }

  /** The meter's missing expected intervals (the gap rule), whether or not they were estimated. */
  async gaps(access: AccessContext, meterId: string, q: GapsQuery): Promise<GapList> {
    const meter = await this.repository.meter(meterId);
    if (!meter) throw new EntityNotFoundException('meter', meterId);
    access.require('METERS', 'read', meter.tenantId, 'meter', meterId);
    const ctx = await this.validation.meterContext(meter);
    const gaps = await this.validation.gaps(meter, ctx, q.from, q.to, new Date());
    return {
      meterId,
      intervalMinutes: meter.intervalMinutes,
      items: gaps.map((g) => ({
        after: g.after.time.toISOString(),
        before: g.before?.time.toISOString() ?? null,
        missing: g.slots.length,
        firstMissing: g.slots[0].toISOString(),
        lastMissing: g.slots[g.slots.length - 1].toISOString(),
      })),
    };
  }

  async revalidate(access: AccessContext, meterId: string, input: Revalidate) {
    const meter = await this.visibleMeter(access, meterId, 'update');
    const jobId = await this.jobs.enqueue(JobName.RevalidateMeter, {
      meterId: meter.id,
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      estimate: input.estimate,
      requestedBy: access.userId,
      requestId: access.requestId ?? undefined,
    });
    return { jobId: jobId ?? '', meterId: meter.id, from: input.from.toISOString(), to: input.to.toISOString() };
  }

  private async visibleMeter(access: AccessContext, meterId: string, action: 'create' | 'update'): Promise<MeterRecord> {
    const meter = await this.repository.meter(meterId);
    if (!meter) throw new EntityNotFoundException('meter', meterId);
    access.require('LIVE_READINGS', action, meter.tenantId, 'meter', meterId);
    return meter;
  }

  /** The real readings around an instant bound the estimates a new reading there replaces. */
  private async realNeighbours(tx: Transaction, meterId: string, time: Date): Promise<{ from: Date; to: Date }> {
    const rows = await this.repository.readings(tx, meterId, time, time, { realOnly: true, withNext: true });
    const before = rows.find((r) => r.time < time);
    const after = rows.find((r) => r.time > time);
    // Without a later real reading, the estimates up to now (a silent meter's profile) are the ones replaced.
    return { from: before?.time ?? time, to: after?.time ?? new Date(Math.max(time.getTime(), Date.now()) + 86_400_000) };
  }

  private async record(
    tx: Transaction,
    access: AccessContext,
    meter: MeterRecord,
    after: StoredReading & { tenantId: string },
    action: 'create' | 'update',
    reason: string,
    before: ReadingSnapshot | null,
    photo: { contentType: string; bytes: Buffer } | null,
  ): Promise<RevisedReading> {
    const afterSnapshot = snapshot(after);
    await this.repository.insertRevision(tx, {
      tenantId: meter.tenantId,
      deviceId: after.deviceId,
      meterId: meter.id,
      time: after.time,
      action,
      reason,
      before,
      after: afterSnapshot,
      photo: photo?.bytes ?? null,
      photoContentType: photo?.contentType ?? null,
      revisedBy: access.userId,
    });
    await this.audit.record(
      access,
      {
        action,
        entityType: 'reading',
        entityId: `${after.deviceId}@${after.time.toISOString()}`,
        tenantId: meter.tenantId,
        before: before ?? undefined,
        after: {
          ...afterSnapshot,
          meterId: meter.id,
          time: after.time.toISOString(),
          reason,
          photo: photo ? photo.contentType : undefined,
        },
      },
      tx,
    );
    const [revision] = (await this.repository.revisionsIn(tx, meter.id, after.time)).slice(-1).map(mapRevision);
    return { meterId: meter.id, time: after.time.toISOString(), reading: afterSnapshot, revision: revision };
  }
}

/**
 * The key a meter's manual reading is stored under (the reading table's device_id): its device's id, or
 * the meter's own id when it has no device. The key is not a device row; the chain, the rollups and the
 * rules follow readings by meter_id, and the meter's id cannot collide with a device's (random UUIDs).
 */
export function readingSeries(meter: Pick<MeterRecord, 'id' | 'deviceId'>): string {
  return meter.deviceId ?? meter.id;
}

function snapshot(r: StoredReading): ReadingSnapshot {
  return { indexM3: r.indexM3, consumptionM3: r.consumptionM3, quality: r.quality, qualityRule: r.rule, source: r.source };
}

/** The photo's bytes, checked to be the image its type says (magic numbers) and within the size. */
function decodePhoto(photo: ManualReading['photo']): { contentType: string; bytes: Buffer } | null {
  if (!photo) return null;
  const bytes = Buffer.from(photo.dataBase64, 'base64');
  const bad = (message: string) => new BadInputException(`photo: ${message}`, [{ path: ['body', 'photo', 'dataBase64'], message }]);
  if (bytes.length === 0) throw bad('is empty');
  if (bytes.length > MAX_PHOTO_BYTES) throw bad(`is larger than ${MAX_PHOTO_BYTES} bytes`);
  const magic: Record<string, (b: Buffer) => boolean> = {
    'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
    'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
    'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  };
  if (!magic[photo.contentType](bytes)) throw bad(`is not a ${photo.contentType} image`);
  return { contentType: photo.contentType, bytes };
}
