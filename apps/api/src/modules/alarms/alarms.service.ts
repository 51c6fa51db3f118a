import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import type { UpdatedAlarmEvent } from '@water/shared';
import {
  mapAlarm,
  mapAlarmDetail,
  mapCounts,
  type AlarmCounts,
  type AlarmDetail,
  type AlarmRow,
  type BulkAcknowledgeAlarms,
  type BulkAcknowledgeResult,
  type ListAlarmsQuery,
} from './alarms.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { AlarmsRepository, type AlarmWorkScope } from './alarms.repository';

/** Alarms belong to the dashboard module of the permission matrix (brief 2.1.2 "Alerts"). */
const MODULE = 'DASHBOARD';

@Injectable()
export class AlarmsService {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly audit: AuditService,
    private readonly live: LiveEventsService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationsService,
  ) {}

  async list(access: AccessContext, q: ListAlarmsQuery): Promise<Page<AlarmRow>> {
    const tenantIds = access.tenantIds(MODULE, 'read', q.tenantId);
    await this.listFilters.requireVisible(access, access.tenantIds(MODULE, 'read'), {
      meter: q.meterId,
      device: q.deviceId,
      subscription: q.subscriptionId,
    });
    const { rows, total } = await this.alarms.page({
      tenantIds,
      types: q.type,
      states: q.state,
      acknowledged: q.acknowledged,
      startedBefore: q.minAgeHours !== undefined ? hoursAgo(q.minAgeHours) : undefined,
      startedAfter: q.maxAgeHours !== undefined ? hoursAgo(q.maxAgeHours) : undefined,
      assignedTo: q.assignedTo === 'me' ? access.userId : q.assignedTo === 'nobody' ? null : q.assignedTo,
      meterId: q.meterId,
      deviceId: q.deviceId,
      subscriptionId: q.subscriptionId,
      from: q.from,
      to: q.to,
      search: q.search,
      sort: q.sort,
      order: q.order,
      ...skipTake(q),
    });
    return { items: rows.map(mapAlarm), total, page: q.page, pageSize: q.pageSize };
  }

  /** The alarm with its timeline: raised, acknowledged, assigned, notes, cleared or closed. */
  async detail(access: AccessContext, id: string): Promise<AlarmDetail> {
    const row = await this.alarms.row(id);
    if (!row) throw new EntityNotFoundException('alarm', id);
    access.require(MODULE, 'read', row.tenant_id, 'alarm', id);
    return mapAlarmDetail(row, await this.alarms.events(id));
  }

  /** Open alarms per type over the caller's scope, optionally narrowed to one tenant's subtree. */
  async counts(access: AccessContext, tenantId?: string): Promise<AlarmCounts> {
    return mapCounts(await this.alarms.openCounts(access.tenantIds(MODULE, 'read', tenantId)));
  }

  /** The newest open alarms, for the dashboard's "Latest Alarms". */
  async latestOpen(access: AccessContext, tenantId: string | undefined, limit: number): Promise<AlarmRow[]> {
    return (await this.alarms.latestOpen(access.tenantIds(MODULE, 'read', tenantId), limit)).map(mapAlarm);
  }

  /**
   * Records that someone has seen the alarm and taken charge, with an optional comment for the
   * timeline; it stays raised until its source clears it or someone closes it. Acknowledging twice is
   * a conflict, so two operators never both believe they took it; a closed alarm is done (409).
   */
  async acknowledge(access: AccessContext, id: string, comment?: string): Promise<AlarmDetail> {
    const alarm = await this.workScope(access, id);
    if (alarm.closedAt) throw closedConflict(alarm);
    if (alarm.acknowledgedAt)
      throw new ConflictException(`alarm ${id} was already acknowledged at ${alarm.acknowledgedAt.toISOString()}`, [], {
        code: 'alreadyDone',
      });
    const at = new Date();
    await this.unitOfWork.run(async (tx) => {
      // Re-checked in the UPDATE itself: of two simultaneous acknowledgements only one wins.
      if (!(await this.alarms.acknowledge(id, access.userId, at, tx)))
        throw new ConflictException(`alarm ${id} was already acknowledged`, [], { code: 'alreadyDone' });
      await this.alarms.addEvents(tx, [
        { alarmId: id, tenantId: alarm.tenantId, kind: 'ACKNOWLEDGED', at, userId: access.userId, text: comment },
      ]);
      await this.audit.record(access, acknowledgement(alarm, access.userId, at, comment), tx);
    });
    const detail = await this.detail(access, id);
    this.emitAcknowledged(detail, at, access.userId);
    return detail;
  }

  /**
   * Acknowledges up to BULK_ACKNOWLEDGE_MAX alarms in one transaction. Access is all or nothing: an
   * id that does not exist or is invisible answers 404, one without the update right 403, and nothing
   * changes. The alarms' own states are per id: already acknowledged (by anyone, also meanwhile) or
   * closed ones are left as they are and reported, so a console selection that raced another operator
   * still acknowledges the rest.
   */
  async acknowledgeMany(access: AccessContext, input: BulkAcknowledgeAlarms): Promise<BulkAcknowledgeResult> {
    const found = new Map((await this.alarms.findWorkScopes(input.ids)).map((a) => [a.id, a]));
    for (const id of input.ids) {
      const alarm = found.get(id);
      if (!alarm) throw new EntityNotFoundException('alarm', id);
      access.require(MODULE, 'update', alarm.tenantId, 'alarm', id);
    }
    const at = new Date();
    const done = await this.unitOfWork.run(async (tx) => {
      const acknowledged = new Set(await this.alarms.acknowledgeMany(input.ids, access.userId, at, tx));
      const alarms = input.ids.filter((id) => acknowledged.has(id)).map((id) => found.get(id)!);
      await this.alarms.addEvents(
        tx,
        alarms.map((a) => ({
          alarmId: a.id,
          tenantId: a.tenantId,
          kind: 'ACKNOWLEDGED' as const,
          at,
          userId: access.userId,
          text: input.comment,
        })),
      );
      for (const a of alarms) await this.audit.record(access, acknowledgement(a, access.userId, at, input.comment), tx);
      return acknowledged;
    });
    for (const id of done) this.emitAcknowledged(mapAlarm((await this.alarms.row(id))!), at, access.userId);
    return {
      items: input.ids.map((id) => ({
        id,
        outcome: done.has(id) ? 'ACKNOWLEDGED' : found.get(id)!.closedAt ? 'CLOSED' : 'ALREADY_ACKNOWLEDGED',
      })),
      acknowledged: done.size,
    };
  }

  /**
   * Gives the alarm to a user (null: to nobody). Who may be given it: an active user holding read on
   * alarms at the alarm's tenant (through a membership there or at an ancestor) who is a member of a
   * tenant the caller sees; anyone else is a 400 on `userId`. A closed alarm is not reassigned (409).
   */
  async assign(access: AccessContext, id: string, userId: string | null): Promise<AlarmDetail> {
    const alarm = await this.workScope(access, id);
    if (alarm.closedAt) throw closedConflict(alarm);
    if (alarm.assignedTo === userId)
      throw new ConflictException(userId ? `alarm ${id} is already assigned to this user` : `alarm ${id} is not assigned`, [], {
        code: 'alreadyDone',
      });
    if (userId) {
      const [assignee] = await this.alarms.assignable(alarm.tenantId, access.tenantIds(MODULE, 'read'), userId);
      if (!assignee)
        throw new BadInputException('this user cannot be given the alarm', [
          { path: ['body', 'userId'], message: 'must be an active user with read on alarms at the alarm’s tenant' },
        ]);
    }
    const at = new Date();
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.alarms.assign(id, alarm.assignedTo, userId, at, tx)))
        throw new ConflictException(`alarm ${id} was changed meanwhile; reload it`, [], { code: 'changedMeanwhile' });
      await this.alarms.addEvents(tx, [
        { alarmId: id, tenantId: alarm.tenantId, kind: userId ? 'ASSIGNED' : 'UNASSIGNED', at, userId: access.userId, assigneeId: userId },
      ]);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'alarm',
          entityId: id,
          tenantId: alarm.tenantId,
          before: { type: alarm.type, assignedTo: alarm.assignedTo },
          after: { type: alarm.type, assignedTo: userId },
        },
        tx,
      );
    });
    return this.afterChange(access, id, userId ? 'ASSIGNED' : 'UNASSIGNED', at);
  }

  /** The users the alarm may be given to (see assign), for the console's picker. */
  async assignees(access: AccessContext, id: string): Promise<{ items: { id: string; displayName: string }[] }> {
    const alarm = await this.workScope(access, id, 'read');
    const users = await this.alarms.assignable(alarm.tenantId, access.tenantIds(MODULE, 'read'));
    return { items: users.map((u) => ({ id: u.id, displayName: u.display_name })) };
  }

  /** Adds a note to the alarm's timeline (closed alarms too: what was found afterwards). */
  async addNote(access: AccessContext, id: string, text: string): Promise<AlarmDetail> {
    const alarm = await this.workScope(access, id);
    const at = new Date();
    await this.unitOfWork.run(async (tx) => {
      await this.alarms.addEvents(tx, [{ alarmId: id, tenantId: alarm.tenantId, kind: 'NOTE', at, userId: access.userId, text }]);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'alarm', entityId: id, tenantId: alarm.tenantId, after: { type: alarm.type, note: text } },
        tx,
      );
    });
    return this.afterChange(access, id, 'NOTE', at);
  }

  /**
   * Closes the alarm with a reason: the work is done. A raised alarm is cleared with it (the map and
   * counts see it gone); if the condition persists, its source raises a new alarm. Twice is a 409.
   */
  async close(access: AccessContext, id: string, reason: string): Promise<AlarmDetail> {
    const alarm = await this.workScope(access, id);
    if (alarm.closedAt) throw closedConflict(alarm);
    const at = new Date();
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.alarms.close(id, access.userId, reason, at, tx)))
        throw new ConflictException(`alarm ${id} was closed meanwhile`, [], { code: 'changedMeanwhile' });
      await this.alarms.addEvents(tx, [{ alarmId: id, tenantId: alarm.tenantId, kind: 'CLOSED', at, userId: access.userId, text: reason }]);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'alarm',
          entityId: id,
          tenantId: alarm.tenantId,
          before: { type: alarm.type, clearedAt: alarm.clearedAt?.toISOString() ?? null, closedAt: null },
          after: {
            type: alarm.type,
            clearedAt: (alarm.clearedAt ?? at).toISOString(),
            closedAt: at.toISOString(),
            closedBy: access.userId,
            closeReason: reason,
          },
        },
        tx,
      );
    });
    const detail = await this.afterChange(access, id, 'CLOSED', at);
    // Watchers of the map recolour on alarm.cleared: a raised alarm closed is one gone.
    if (!alarm.clearedAt) {
      this.live.emit('alarm.cleared', detail.tenantId, alarmEvent(detail));
      await this.notifications.notify('alarm.cleared', alarmEvent(detail));
    }
    return detail;
  }

  /** The alarm, 404 when invisible (or unreadable), 403 without `action` at its tenant. */
  private async workScope(access: AccessContext, id: string, action: 'read' | 'update' = 'update'): Promise<AlarmWorkScope> {
    const alarm = await this.alarms.findWorkScope(id);
    if (!alarm) throw new EntityNotFoundException('alarm', id);
    access.require(MODULE, action, alarm.tenantId, 'alarm', id);
    return alarm;
  }

  /** Reads the changed alarm back and tells the tenant's watchers. */
  private async afterChange(access: AccessContext, id: string, change: UpdatedAlarmEvent['change'], at: Date): Promise<AlarmDetail> {
    const detail = await this.detail(access, id);
    this.live.emit('alarm.updated', detail.tenantId, {
      ...alarmEvent(detail),
      change,
      at: at.toISOString(),
      by: access.userId,
      assignedTo: detail.assignedTo?.id ?? null,
      closedAt: detail.closedAt,
    });
    return detail;
  }

  private emitAcknowledged(row: AlarmRow, at: Date, userId: string): void {
    // Other operators watching see that someone took charge.
    this.live.emit('alarm.acknowledged', row.tenantId, { ...alarmEvent(row), acknowledgedAt: at.toISOString(), acknowledgedBy: userId });
  }
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

function closedConflict(alarm: AlarmWorkScope) {
  return new ConflictException(`alarm ${alarm.id} was closed at ${alarm.closedAt!.toISOString()}`, [], { code: 'alreadyDone' });
}

function acknowledgement(alarm: Pick<AlarmWorkScope, 'id' | 'tenantId' | 'type'>, userId: string, at: Date, comment?: string) {
  return {
    action: 'update' as const,
    entityType: 'alarm',
    entityId: alarm.id,
    tenantId: alarm.tenantId,
    before: { type: alarm.type, acknowledgedAt: null, acknowledgedBy: null },
    after: { type: alarm.type, acknowledgedAt: at.toISOString(), acknowledgedBy: userId, ...(comment ? { comment } : {}) },
  };
}

function alarmEvent(row: AlarmRow) {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.type,
    deviceId: row.device?.id ?? null,
    meterId: row.meter?.id ?? null,
    subscriptionId: row.subscription?.id ?? null,
    startedAt: row.startedAt,
    clearedAt: row.clearedAt,
  };
}
