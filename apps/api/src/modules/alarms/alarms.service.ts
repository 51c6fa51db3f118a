import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { LiveEventsService } from '../../core/realtime/live-events.service';
import { AuditService } from '../../core/audit/audit.service';
import { ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { mapAlarm, mapCounts, type AlarmCounts, type AlarmRow, type ListAlarmsQuery } from './alarms.dto';
import { AlarmsRepository } from './alarms.repository';

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
      state: q.state,
      acknowledged: q.acknowledged,
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

  async detail(access: AccessContext, id: string): Promise<AlarmRow> {
    const row = await this.alarms.row(id);
    if (!row) throw new EntityNotFoundException('alarm', id);
    access.require(MODULE, 'read', row.tenant_id, 'alarm', id);
    return mapAlarm(row);
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
   * Records that someone has seen the alarm and taken charge; it stays open until its source clears it.
   * Acknowledging twice is a conflict, so two operators never both believe they took it.
   */
  async acknowledge(access: AccessContext, id: string): Promise<AlarmRow> {
    const alarm = await this.alarms.findScope(id);
    if (!alarm) throw new EntityNotFoundException('alarm', id);
    access.require(MODULE, 'update', alarm.tenantId, 'alarm', id);
    if (alarm.acknowledgedAt) throw new ConflictException(`alarm ${id} was already acknowledged at ${alarm.acknowledgedAt.toISOString()}`);
    const at = new Date();
    await this.unitOfWork.run(async (tx) => {
      // Re-checked in the UPDATE itself: of two simultaneous acknowledgements only one wins.
      if (!(await this.alarms.acknowledge(id, access.userId, at, tx))) throw new ConflictException(`alarm ${id} was already acknowledged`);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'alarm',
          entityId: id,
          tenantId: alarm.tenantId,
          before: { type: alarm.type, acknowledgedAt: null, acknowledgedBy: null },
          after: { type: alarm.type, acknowledgedAt: at.toISOString(), acknowledgedBy: access.userId },
        },
        tx,
      );
    });
    const row = await this.detail(access, id);
    // Other operators watching see that someone took charge.
    this.live.emit('alarm.acknowledged', row.tenantId, {
      id: row.id,
      tenantId: row.tenantId,
      type: row.type,
      deviceId: row.device?.id ?? null,
      meterId: row.meter?.id ?? null,
      subscriptionId: row.subscription?.id ?? null,
      startedAt: row.startedAt,
      clearedAt: row.clearedAt,
      acknowledgedAt: at.toISOString(),
      acknowledgedBy: access.userId,
    });
    return row;
  }
}
