import { Injectable } from '@nestjs/common';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '@water/db';
import type { AlarmType } from '@water/shared';
import { DatabaseService } from '../../core/database/database.service';
import type { AlarmEventRecord, AlarmRecord, AlarmState } from './alarms.dto';
import { matchesSearch } from '../../core/database/search';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';

/** An alarm the no-signal check opened. */
export interface OpenedAlarm {
  id: string;
  tenant_id: string;
  device_id: string;
  meter_id: string | null;
  subscription_id: string | null;
  started_at: Date;
}

export interface AlarmListFilter {
  tenantIds: string[];
  types?: AlarmType[];
  /** Any of these states; all when not given. */
  states?: AlarmState[];
  acknowledged?: boolean;
  /** Started at or before this instant (minimum age). */
  startedBefore?: Date;
  /** Started at or after this instant (maximum age). */
  startedAfter?: Date;
  /** A user id, or null for alarms assigned to nobody. */
  assignedTo?: string | null;
  meterId?: string;
  deviceId?: string;
  subscriptionId?: string;
  from?: Date;
  to?: Date;
  search?: string;
  sort: 'startedAt' | 'clearedAt' | 'type';
  order: 'asc' | 'desc';
  skip: number;
  take: number;
}

type Joined = DB & {
  a: DB['alarm'];
  t: DB['tenant'];
  d: DB['device'];
  m: DB['meter'];
  s: DB['subscription'];
  c: DB['customer'];
  u: DB['app_user'];
  ua: DB['app_user'];
  uc: DB['app_user'];
};

/** One work state as a condition (see alarmState: closed, then cleared, then acknowledged). */
function stateCondition(eb: ExpressionBuilder<Joined, 'a'>, state: AlarmState) {
  switch (state) {
    case 'closed':
      return eb('a.closed_at', 'is not', null);
    case 'cleared':
      return eb.and([eb('a.cleared_at', 'is not', null), eb('a.closed_at', 'is', null)]);
    case 'acknowledged':
      return eb.and([eb('a.cleared_at', 'is', null), eb('a.acknowledged_at', 'is not', null)]);
    case 'open':
      return eb.and([eb('a.cleared_at', 'is', null), eb('a.acknowledged_at', 'is', null)]);
  }
}

export interface AlarmWorkScope {
  id: string;
  tenantId: string;
  type: AlarmType;
  clearedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  assignedTo: string | null;
  closedAt: Date | null;
}

const customerName = sql<string>`coalesce(c.organization_name, c.name || ' ' || c.surname)`;

/** Alarm rows with the names the console shows; no rules here. */
@Injectable()
export class AlarmsRepository {
  constructor(private readonly database: DatabaseService) {}

  private joined() {
    return this.database.db
      .selectFrom('alarm as a')
      .innerJoin('tenant as t', 't.id', 'a.tenant_id')
      .leftJoin('device as d', 'd.id', 'a.device_id')
      .leftJoin('meter as m', 'm.id', 'a.meter_id')
      .leftJoin('subscription as s', 's.id', 'a.subscription_id')
      .leftJoin('customer as c', 'c.id', 's.customer_id')
      .leftJoin('app_user as u', 'u.id', 'a.acknowledged_by')
      .leftJoin('app_user as ua', 'ua.id', 'a.assigned_to')
      .leftJoin('app_user as uc', 'uc.id', 'a.closed_by');
  }

  private selectRow(q: ReturnType<AlarmsRepository['joined']>) {
    return q.select([
      'a.id',
      'a.tenant_id',
      't.name as tenant_name',
      'a.type',
      'a.started_at',
      'a.cleared_at',
      'a.acknowledged_at',
      'a.acknowledged_by',
      sql<string | null>`u.name || ' ' || u.surname`.as('acknowledger_name'),
      'a.assigned_to',
      'a.assigned_at',
      sql<string | null>`ua.name || ' ' || ua.surname`.as('assignee_name'),
      'a.closed_at',
      'a.closed_by',
      sql<string | null>`uc.name || ' ' || uc.surname`.as('closer_name'),
      'a.close_reason',
      'a.device_id',
      'd.serial_no as device_serial_no',
      'a.meter_id',
      'm.serial_no as meter_serial_no',
      'a.subscription_id',
      's.subscription_no',
      's.customer_id',
      customerName.as('customer_name'),
      'a.details',
    ]);
  }

  async row(id: string): Promise<AlarmRecord | undefined> {
    return await this.selectRow(this.joined().where('a.id', '=', id)).executeTakeFirst();
  }

  async page(f: AlarmListFilter): Promise<{ rows: AlarmRecord[]; total: number }> {
    if (f.tenantIds.length === 0) return { rows: [], total: 0 };
    const filtered = this.joined()
      .where('a.tenant_id', 'in', f.tenantIds)
      .$if(Boolean(f.types), (q) => q.where('a.type', 'in', f.types!))
      .$if(Boolean(f.states), (q) => q.where((eb) => eb.or(f.states!.map((state) => stateCondition(eb, state)))))
      .$if(Boolean(f.startedBefore), (q) => q.where('a.started_at', '<=', f.startedBefore!))
      .$if(Boolean(f.startedAfter), (q) => q.where('a.started_at', '>=', f.startedAfter!))
      .$if(f.assignedTo !== undefined, (q) =>
        f.assignedTo === null ? q.where('a.assigned_to', 'is', null) : q.where('a.assigned_to', '=', f.assignedTo!),
      )
      .$if(f.acknowledged !== undefined, (q) => q.where('a.acknowledged_at', f.acknowledged ? 'is not' : 'is', null))
      .$if(Boolean(f.meterId), (q) => q.where('a.meter_id', '=', f.meterId!))
      .$if(Boolean(f.deviceId), (q) => q.where('a.device_id', '=', f.deviceId!))
      .$if(Boolean(f.subscriptionId), (q) => q.where('a.subscription_id', '=', f.subscriptionId!))
      .$if(Boolean(f.from), (q) => q.where('a.started_at', '>=', f.from!))
      .$if(Boolean(f.to), (q) => q.where('a.started_at', '<', f.to!))
      .$if(Boolean(f.search), (q) => {
        const term = f.search!;
        return q.where((eb: ExpressionBuilder<Joined, 'a' | 't' | 'd' | 'm' | 's' | 'c' | 'u'>) =>
          eb.or([
            matchesSearch('meter', 'a.meter_id', term),
            matchesSearch('device', 'a.device_id', term),
            matchesSearch('subscription', 'a.subscription_id', term),
            matchesSearch('customer', 's.customer_id', term),
          ]),
        );
      });
    const sortColumn = { startedAt: 'a.started_at', clearedAt: 'a.cleared_at', type: 'a.type' } as const;
    const [rows, count] = await Promise.all([
      this.selectRow(filtered)
        // Only cleared_at can be null; the other sorts stay plain so (tenant_id, started_at DESC) serves them.
        .orderBy(sortColumn[f.sort], (ob) => {
          const directed = f.order === 'desc' ? ob.desc() : ob.asc();
          return f.sort === 'clearedAt' ? directed.nullsLast() : directed;
        })
        // Ties (same type, same clearance) fall back to the newest first, then a stable id order.
        .$if(f.sort !== 'startedAt', (q) => q.orderBy('a.started_at', 'desc'))
        .orderBy('a.id')
        .offset(f.skip)
        .limit(f.take)
        .execute(),
      filtered.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows, total: Number(count.n) };
  }

  /** The newest open alarms of the tenants (served by the partial index alarm_open_by_tenant). */
  async latestOpen(tenantIds: string[], limit: number): Promise<AlarmRecord[]> {
    if (tenantIds.length === 0) return [];
    return await this.selectRow(this.joined().where('a.tenant_id', 'in', tenantIds).where('a.cleared_at', 'is', null))
      .orderBy('a.started_at', 'desc')
      .orderBy('a.id')
      .limit(limit)
      .execute();
  }

  /** Open alarms per type, with how many of them are still unacknowledged. */
  async openCounts(tenantIds: string[]): Promise<{ type: AlarmType; n: string; unacknowledged: string }[]> {
    if (tenantIds.length === 0) return [];
    return this.database.db
      .selectFrom('alarm')
      .select([
        'type',
        (eb) => eb.fn.countAll<string>().as('n'),
        sql<string>`count(*) FILTER (WHERE acknowledged_at IS NULL)`.as('unacknowledged'),
      ])
      .where('tenant_id', 'in', tenantIds)
      .where('cleared_at', 'is', null)
      .groupBy('type')
      .execute();
  }

  findScope(id: string) {
    return this.database.prisma.alarm.findUnique({
      where: { id },
      select: { id: true, tenantId: true, type: true, acknowledgedAt: true, acknowledgedBy: true },
    });
  }

  /** Sets the acknowledgement only if nobody did it first; returns whether this call did. */
  async acknowledge(id: string, userId: string, at: Date, tx: Tx): Promise<boolean> {
    const { count } = await clientOf(this.database, tx).alarm.updateMany({
      where: { id, acknowledgedAt: null, closedAt: null },
      data: { acknowledgedAt: at, acknowledgedBy: userId },
    });
    return count === 1;
  }

  /** What the work on one alarm needs to know before changing it. */
  async findWorkScope(id: string, tx?: Tx): Promise<AlarmWorkScope | null> {
    return clientOf(this.database, tx).alarm.findUnique({
      where: { id },
      select: {
        id: true,
        tenantId: true,
        type: true,
        clearedAt: true,
        acknowledgedAt: true,
        acknowledgedBy: true,
        assignedTo: true,
        closedAt: true,
      },
    });
  }

  /** The same for several alarms (those that exist). */
  async findWorkScopes(ids: string[]): Promise<AlarmWorkScope[]> {
    return this.database.prisma.alarm.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        tenantId: true,
        type: true,
        clearedAt: true,
        acknowledgedAt: true,
        acknowledgedBy: true,
        assignedTo: true,
        closedAt: true,
      },
    });
  }

  /** The stored steps of an alarm's timeline, oldest first, with the names of the people. */
  async events(alarmId: string): Promise<AlarmEventRecord[]> {
    return this.database.db
      .selectFrom('alarm_event as e')
      .leftJoin('app_user as u', 'u.id', 'e.user_id')
      .leftJoin('app_user as ua', 'ua.id', 'e.assignee_id')
      .select([
        'e.id',
        'e.kind',
        'e.at',
        'e.user_id',
        sql<string | null>`u.name || ' ' || u.surname`.as('user_name'),
        'e.assignee_id',
        sql<string | null>`ua.name || ' ' || ua.surname`.as('assignee_name'),
        'e.text',
      ])
      .where('e.alarm_id', '=', alarmId)
      .orderBy('e.at')
      .orderBy('e.id')
      .execute();
  }

  /** Adds steps to alarms' timelines. */
  async addEvents(
    tx: Tx,
    events: {
      alarmId: string;
      tenantId: string;
      kind: AlarmEventRecord['kind'];
      at: Date;
      userId: string;
      assigneeId?: string | null;
      text?: string | null;
    }[],
  ): Promise<void> {
    if (events.length === 0) return;
    await clientOf(this.database, tx).alarmEvent.createMany({
      data: events.map((e) => ({
        alarmId: e.alarmId,
        tenantId: e.tenantId,
        kind: e.kind,
        at: e.at,
        userId: e.userId,
        assigneeId: e.assigneeId ?? null,
        text: e.text ?? null,
      })),
    });
  }

  /** Acknowledges those of `ids` nobody acknowledged or closed yet; returns the ids this call acknowledged. */
  async acknowledgeMany(ids: string[], userId: string, at: Date, tx: Tx): Promise<string[]> {
    const rows = await clientOf(this.database, tx).alarm.updateManyAndReturn({
      where: { id: { in: ids }, acknowledgedAt: null, closedAt: null },
      data: { acknowledgedAt: at, acknowledgedBy: userId },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /** Sets (or, with null, removes) the assignee unless the alarm was closed or reassigned meanwhile. */
  async assign(id: string, expected: string | null, assignee: string | null, at: Date, tx: Tx): Promise<boolean> {
    const { count } = await clientOf(this.database, tx).alarm.updateMany({
      where: { id, closedAt: null, assignedTo: expected },
      data: { assignedTo: assignee, assignedAt: assignee ? at : null },
    });
    return count === 1;
  }

  /** Closes the alarm (clearing it too when it was still raised) unless someone closed it first. */
  async close(id: string, userId: string, reason: string, at: Date, tx: Tx): Promise<boolean> {
    const count = await clientOf(this.database, tx).$executeRaw`
      UPDATE alarm SET closed_at = ${at}, closed_by = ${userId}::uuid, close_reason = ${reason},
                       cleared_at = coalesce(cleared_at, ${at})
       WHERE id = ${id}::uuid AND closed_at IS NULL`;
    return count === 1;
  }

  /**
   * Users who may be given alarms of `tenantId`: active, holding read on alarms (DASHBOARD) through a
   * membership of that tenant or of an ancestor, and members of a tenant in `visibleTenantIds` (the
   * caller's, so a utility never sees the names of its parent's staff). With `userId`, only that user.
   */
  async assignable(tenantId: string, visibleTenantIds: string[], userId?: string): Promise<{ id: string; display_name: string }[]> {
    if (visibleTenantIds.length === 0) return [];
    return this.database.db
      .selectFrom('app_user as u')
      .select(['u.id', sql<string>`u.name || ' ' || u.surname`.as('display_name')])
      .where('u.is_active', '=', true)
      .$if(Boolean(userId), (q) => q.where('u.id', '=', userId!))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('membership as m')
            .innerJoin('tenant as mt', 'mt.id', 'm.tenant_id')
            .innerJoin('tenant as at', (j) => j.on('at.id', '=', tenantId))
            .innerJoin('membership_permission as p', 'p.membership_id', 'm.id')
            .select('m.id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('p.module', '=', 'DASHBOARD')
            .where('p.can_read', '=', true)
            .where(sql<boolean>`at.path <@ mt.path`),
        ),
      )
      .where((eb) =>
        eb.exists(
          eb.selectFrom('membership as v').select('v.id').whereRef('v.user_id', '=', 'u.id').where('v.tenant_id', 'in', visibleTenantIds),
        ),
      )
      .orderBy('u.name')
      .orderBy('u.surname')
      .orderBy('u.id')
      .execute();
  }

  /**
   * Opens NO_SIGNAL alarms for active devices silent (since their last uplink, or their creation) for
   * longer than `graceFactor` times their profile's expected interval; an open one is left as it is.
   */
  async openNoSignal(now: Date, graceFactor: number): Promise<OpenedAlarm[]> {
    const { rows } = await sql<OpenedAlarm>`
      INSERT INTO alarm (tenant_id, type, device_id, meter_id, subscription_id, started_at, details)
      SELECT d.tenant_id, 'NO_SIGNAL', d.id, d.meter_id, sm.subscription_id, ${now},
             jsonb_build_object('lastSeenAt', d.last_seen_at, 'expectedIntervalMinutes', p.expected_interval_minutes)
        FROM device d
        JOIN device_profile p ON p.id = d.device_profile_id
        LEFT JOIN subscription_meter sm ON sm.meter_id = d.meter_id AND sm.ended_at IS NULL
       WHERE d.status = 'ACTIVE'
         AND coalesce(d.last_seen_at, d.created_at) < ${now}::timestamptz - make_interval(mins => (p.expected_interval_minutes * ${graceFactor})::int)
      ON CONFLICT (type, device_id) WHERE cleared_at IS NULL AND device_id IS NOT NULL DO NOTHING
      RETURNING id, tenant_id, device_id, meter_id, subscription_id, started_at
    `.execute(this.database.db);
    return rows;
  }
}
