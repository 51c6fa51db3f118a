import { Injectable, Logger } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { columnsOf, exportTable, type ExportFile } from '../../core/http/export';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import type { Page } from '../../core/http/paging';
import { localToday } from '../billing/tariff-rules';
import { NotificationsService } from '../notifications/notifications.service';
import {
  billingStatus,
  DEFAULT_DUNNING_SETTINGS,
  daysOverdue,
  disconnectionDay,
  interestKurus,
  interestPeriod,
  orderAfterSettlement,
  outstandingOn,
  remindersDue,
  settledOn,
  type BillingStatus,
  type DisconnectionStatus,
  type DunningSettings,
} from './dunning-rules';
import {
  DisconnectionOrderSchema,
  mapOrder,
  mapOverdue,
  mapStep,
  type DisconnectionOrder,
  type DisconnectionsExportQuery,
  type DisconnectionsQuery,
  type DunningStep,
  type FieldConfirmation,
  type OverdueInvoice,
  type OverdueQuery,
  type RunDunning,
  type RunSummary,
} from './dunning.dto';
import { DunningRepository, type LiveOrder, type OpenItem } from './dunning.repository';

type Actor = Pick<AccessContext, 'userId' | 'requestId'> | null;

/** One tenant's dunning day as the run's steps share it. */
interface DunningDay {
  tenantId: string;
  /** The day run, in the tenant's calendar. */
  today: string;
  timeZone: string;
  settings: DunningSettings;
  /** Who the audit entries name: the operator of an on-demand run, null for the job. */
  actor: Actor;
  by: string | null;
  summary: RunSummary;
  /** Reminder steps written by the chunk in progress: the customers are told once it committed. */
  reminded: string[];
}

const LIVE: DisconnectionStatus[] = ['OPEN', 'DONE', 'RECONNECT_OPEN'];
/** Invoices, subscriptions or orders a transaction of the daily run takes. */
const CHUNK = 100;

/**
 * Dunning (issue 18): the daily run per tenant (reminders, late-payment interest, the disconnection list
 * and its settlement), the operators' lists and the field crew's confirmations. Rules:
 * docs/decisions.md, "Billing: dunning"; the pure parts are in dunning-rules.ts.
 */
@Injectable()
export class DunningService {
  private readonly logger = new Logger('dunning');

  constructor(
    private readonly repository: DunningRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationsService,
  ) {}

  // ─── The daily run ───────────────────────────────────────────────────────────────

  /** An operator's run of one tenant's day (today, or an earlier day to catch up). */
  async run(access: AccessContext, input: RunDunning): Promise<RunSummary> {
    access.require('BILLING', 'update', input.tenantId);
    // As system work after the check, as the job: the settings and tariff rates an ancestor holds apply
    // although a child's operator cannot read them, and every row written is the tenant's.
    return asSystem(() => this.runTenant(input.tenantId, input.date, access));
  }

  /**
   * One tenant's dunning day, in short transactions under the tenant's lock. Everything it writes is keyed
   * (step per invoice, kind and ordinal; one live order per subscription; interest from the last day
   * booked), so running the same day twice changes nothing.
   */
  async runTenant(tenantId: string, date: string | undefined, actor: Actor): Promise<RunSummary> {
    const found = await this.repository.settings(tenantId);
    if (!found) throw new EntityNotFoundException('tenant', tenantId);
    const settings: DunningSettings = {
      reminderDays: found.reminderDays ?? DEFAULT_DUNNING_SETTINGS.reminderDays,
      disconnectionAfterDays: found.disconnectionAfterDays ?? DEFAULT_DUNNING_SETTINGS.disconnectionAfterDays,
    };
    const localNow = localToday(found.timeZone);
    if (date && date > localNow)
      throw new BadInputException('a dunning day cannot be in the future', [{ path: ['date'], message: `on or before ${localNow}` }]);
    const today = date ?? localNow;
    const by = actor?.userId ?? null;
    const summary: RunSummary = {
      tenantId,
      date: today,
      overdueInvoices: 0,
      remindersDue: 0,
      interestBooked: 0,
      interestKurus: 0,
      ordersOpened: 0,
      ordersCancelled: 0,
      reconnectionsOpened: 0,
    };
    const day: DunningDay = { tenantId, today, timeZone: found.timeZone, settings, actor, by, summary, reminded: [] };
    const candidates = await this.repository.openItems(undefined, tenantId, today, day.timeZone);
    summary.overdueInvoices = candidates.filter((i) => i.grossKurus > i.allocatedKurus).length;
    await this.inChunks(
      day,
      candidates.map((i) => i.invoiceId),
      (tx, invoiceIds) => this.remindAndCharge(day, tx, invoiceIds),
    );
    const reached = candidates.filter((i) => i.grossKurus > i.allocatedKurus && disconnectionDay(i.dueDate, settings) <= today);
    await this.inChunks(day, [...new Set(reached.map((i) => i.subscriptionId))], (tx, subscriptionIds) =>
      this.openOrders(day, tx, subscriptionIds),
    );
    const settleable = (await this.repository.liveOrders(undefined, tenantId)).filter((o) => orderAfterSettlement(o.status));
    await this.inChunks(day, settleable, (tx, orders) => this.settle(day, tx, orders));
    this.logger.log(summary, 'dunning run');
    return summary;
  }

  /**
   * Short transactions of CHUNK invoices, subscriptions or orders each, every one under the tenant's lock and
   * re-reading its rows there, so a concurrent run of the same tenant never books twice.
   */
  private async inChunks<T>(day: DunningDay, all: T[], work: (tx: Transaction, chunk: T[]) => Promise<void>): Promise<void> {
    for (let i = 0; i < all.length; i += CHUNK) {
      day.reminded = [];
      await this.unitOfWork.run(async (tx) => {
        await this.repository.lockTenant(tx, day.tenantId);
        await work(tx, all.slice(i, i + CHUNK));
      });
      for (const stepId of day.reminded) await this.notifications.notify('payment.overdue', { tenantId: day.tenantId, stepId });
    }
  }

  private record(
    day: DunningDay,
    tx: Transaction,
    entityType: string,
    entityId: string,
    after: unknown,
    action: 'create' | 'update' = 'create',
  ) {
    return this.audit.record(day.actor, { action, entityType, entityId, tenantId: day.tenantId, after }, tx);
  }

  /** The reminders fallen due and the interest to book, for these invoices. */
  private async remindAndCharge(day: DunningDay, tx: Transaction, invoiceIds: string[]): Promise<void> {
    const { today, settings, by, summary } = day;
    const items = await this.repository.openItems(tx, day.tenantId, today, day.timeZone, { invoiceIds });
    // The chunk's reminders in one statement, then an audit entry for each written.
    const reminders = items.flatMap((item) =>
      item.grossKurus > item.allocatedKurus
        ? remindersDue(item.dueDate, today, settings.reminderDays)
            .filter((r) => !item.reminderOrdinals.includes(r.ordinal))
            .map((r) => ({
              number: item.number,
              step: {
                ...stepOf(item),
                kind: 'REMINDER' as const,
                ordinal: r.ordinal,
                dueOn: r.dueOn,
                daysOverdue: daysOverdue(item.dueDate, r.dueOn),
                outstandingKurus: item.grossKurus - item.allocatedKurus,
                createdById: by,
              },
            }))
        : [],
    );
    const ids = await this.repository.insertSteps(
      tx,
      reminders.map((r) => r.step),
    );
    for (const [i, id] of ids.entries()) {
      if (!id) continue;
      summary.remindersDue++;
      day.reminded.push(id);
      await this.record(day, tx, 'dunning_step', id, { ...reminders[i].step, number: reminders[i].number, notificationStatus: 'DUE' });
    }

    const charged = items.filter((i) => i.rateBp > 0);
    const allocations = await this.repository.allocations(
      tx,
      charged.map((i) => i.invoiceId),
      today,
      day.timeZone,
    );
    for (const item of charged) {
      const dated = allocations.get(item.invoiceId) ?? [];
      const period = interestPeriod({
        dueDate: item.dueDate,
        bookedThrough: item.interestThrough,
        today,
        settledOn: settledOn(item.grossKurus, dated, today),
      });
      if (!period) continue;
      const amount = interestKurus({ grossKurus: item.grossKurus, allocations: dated, ...period, rateBp: item.rateBp });
      const ledgerEntryId =
        amount > 0n
          ? await this.repository.insertInterestEntry(tx, {
              ...stepOf(item),
              amountKurus: amount,
              description: interestText(item, period),
              createdById: by,
              bookedOn: today,
              timeZone: day.timeZone,
            })
          : null;
      const step = {
        ...stepOf(item),
        kind: 'INTEREST' as const,
        ordinal: item.interestBookings + 1,
        dueOn: period.through,
        daysOverdue: daysOverdue(item.dueDate, period.through),
        outstandingKurus: clampZero(outstandingOn(item.grossKurus, dated, period.through)),
        interestFrom: period.from,
        rateBp: item.rateBp,
        amountKurus: amount,
        ledgerEntryId,
        createdById: by,
      };
      const id = await this.repository.insertStep(tx, step);
      if (!id) continue;
      summary.interestBooked++;
      summary.interestKurus += Number(amount);
      await this.record(day, tx, 'dunning_step', id, { ...step, number: item.number });
    }
  }

  /** The disconnection list: these subscriptions have an invoice unpaid disconnectionAfterDays past its due date. */
  private async openOrders(day: DunningDay, tx: Transaction, subscriptionIds: string[]): Promise<void> {
    const { tenantId, today, settings, by } = day;
    const live = new Set((await this.repository.liveOrders(tx, tenantId, subscriptionIds)).map((o) => o.subscriptionId));
    const overdueBySubscription = new Map<string, OpenItem[]>();
    for (const item of await this.repository.openItems(tx, tenantId, today, day.timeZone, { subscriptionIds })) {
      if (item.grossKurus - item.allocatedKurus <= 0n) continue;
      const list = overdueBySubscription.get(item.subscriptionId) ?? [];
      list.push(item);
      overdueBySubscription.set(item.subscriptionId, list);
    }
    for (const [subscriptionId, overdue] of overdueBySubscription) {
      const due = overdue.filter((i) => disconnectionDay(i.dueDate, settings) <= today);
      if (!due.length || live.has(subscriptionId)) continue;
      const order = {
        tenantId,
        subscriptionId,
        customerId: overdue[0].customerId,
        reason: `Unpaid ${settings.disconnectionAfterDays} days past due: ${due.map((i) => i.number).join(', ')}`.slice(0, 300),
        overdueKurus: overdue.reduce((sum, i) => sum + (i.grossKurus - i.allocatedKurus), 0n),
        overdueInvoices: overdue.length,
        oldestDueDate: overdue[0].dueDate,
        openedOn: today,
        openedById: by,
      };
      const orderId = await this.repository.insertOrder(tx, order);
      if (!orderId) continue;
      day.summary.ordersOpened++;
      await this.record(day, tx, 'disconnection_order', orderId, { ...order, status: 'OPEN' });
      for (const item of due.filter((i) => !i.disconnectionStep)) {
        const step = {
          ...stepOf(item),
          kind: 'DISCONNECTION' as const,
          ordinal: 1,
          dueOn: disconnectionDay(item.dueDate, settings),
          daysOverdue: daysOverdue(item.dueDate, today),
          outstandingKurus: item.grossKurus - item.allocatedKurus,
          disconnectionOrderId: orderId,
          createdById: by,
        };
        const id = await this.repository.insertStep(tx, step);
        if (id) await this.record(day, tx, 'dunning_step', id, { ...step, number: item.number });
      }
    }
  }

  /** Once a customer owes nothing overdue, an order not yet executed is cancelled and an executed one asks for reconnection. */
  private async settle(day: DunningDay, tx: Transaction, orders: LiveOrder[]): Promise<void> {
    const owed = await this.repository.customersOverdue(tx, [...new Set(orders.map((o) => o.customerId))], day.today, day.timeZone);
    for (const o of orders) {
      if ((owed.get(o.customerId) ?? 0n) > 0n) continue;
      const next = orderAfterSettlement(o.status)!;
      if (!(await this.repository.moveOrder(tx, o.id, o.status, next, day.by))) continue;
      if (next === 'CANCELLED') day.summary.ordersCancelled++;
      else day.summary.reconnectionsOpened++;
      await this.record(
        day,
        tx,
        'disconnection_order',
        o.id,
        { status: next, from: o.status, reason: 'overdue invoices paid', on: day.today },
        'update',
      );
    }
  }

  // ─── Operators ───────────────────────────────────────────────────────────────────

  async overdue(access: AccessContext, q: OverdueQuery): Promise<Page<OverdueInvoice>> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const { rows, total } = await this.repository.overdue(tenantIds, q);
    return { items: rows.map(mapOverdue), total, page: q.page, pageSize: q.pageSize };
  }

  async disconnections(access: AccessContext, q: DisconnectionsQuery): Promise<Page<DisconnectionOrder>> {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const { rows, total } = await this.repository.orders(tenantIds, { ...q, statuses: q.status?.length ? q.status : LIVE });
    return { items: rows.map(mapOrder), total, page: q.page, pageSize: q.pageSize };
  }

  /** The work-order list as CSV or XLSX, with the list's filters. */
  exportDisconnections(access: AccessContext, q: DisconnectionsExportQuery): ExportFile {
    const tenantIds = access.tenantIds('BILLING', 'read', q.tenantId);
    const repository = this.repository;
    const pageSize = 1000;
    async function* batches() {
      for (let page = 1; ; page++) {
        const { rows } = await repository.orders(tenantIds, { ...q, statuses: q.status?.length ? q.status : LIVE, page, pageSize });
        if (rows.length) yield rows.map(mapOrder);
        if (rows.length < pageSize) return;
      }
    }
    return exportTable(columnsOf<DisconnectionOrder>(DisconnectionOrderSchema), batches(), q, 'disconnections');
  }

  /** The field crew disconnected the subscription (OPEN → DONE), unless the customer has paid meanwhile. */
  async execute(access: AccessContext, id: string, input: FieldConfirmation): Promise<DisconnectionOrder> {
    const order = await this.changeable(access, id);
    if (order.status !== 'OPEN') throw new ConflictException(`the order is ${order.status}, not OPEN`, [], { code: 'wrongState' });
    const settings = await this.repository.settings(order.tenantId);
    const today = localToday(settings!.timeZone);
    await this.unitOfWork.run(async (tx) => {
      const owed = await this.repository.customersOverdue(tx, [order.customerId], today, settings!.timeZone);
      if ((owed.get(order.customerId) ?? 0n) <= 0n)
        throw new ConflictException('the customer has paid their overdue invoices: the order is cancelled by the next dunning run', [], {
          code: 'paidMeanwhile',
        });
      if (!(await this.repository.moveOrder(tx, id, 'OPEN', 'DONE', access.userId, input.note ?? null)))
        throw new ConflictException('the order changed meanwhile', [], { code: 'changedMeanwhile' });
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'disconnection_order',
          entityId: id,
          tenantId: order.tenantId,
          after: { status: 'DONE', note: input.note ?? null },
        },
        tx,
      );
    });
    return mapOrder((await this.repository.order(id))!);
  }

  /** The field crew reconnected the subscription (RECONNECT_OPEN → RECONNECTED). */
  async reconnect(access: AccessContext, id: string, input: FieldConfirmation): Promise<DisconnectionOrder> {
    const order = await this.changeable(access, id);
    if (order.status !== 'RECONNECT_OPEN')
      throw new ConflictException(`the order is ${order.status}, not RECONNECT_OPEN`, [], { code: 'wrongState' });
    await this.unitOfWork.run(async (tx) => {
      if (!(await this.repository.moveOrder(tx, id, 'RECONNECT_OPEN', 'RECONNECTED', access.userId, input.note ?? null)))
        throw new ConflictException('the order changed meanwhile', [], { code: 'changedMeanwhile' });
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'disconnection_order',
          entityId: id,
          tenantId: order.tenantId,
          after: { status: 'RECONNECTED', note: input.note ?? null },
        },
        tx,
      );
    });
    return mapOrder((await this.repository.order(id))!);
  }

  async steps(access: AccessContext, invoiceId: string): Promise<{ items: DunningStep[] }> {
    const tenantId = await this.repository.invoiceTenant(invoiceId);
    if (!tenantId) throw new EntityNotFoundException('invoice', invoiceId);
    access.require('BILLING', 'read', tenantId, 'invoice', invoiceId);
    return { items: (await this.repository.steps(invoiceId)).map(mapStep) };
  }

  /** Billing status per subscription asked (the caller checked the right to read them). */
  async billingStatuses(subscriptionIds: string[]): Promise<Map<string, BillingStatus>> {
    const states = await this.repository.subscriptionStates(subscriptionIds);
    const out = new Map<string, BillingStatus>();
    for (const id of subscriptionIds) {
      const s = states.get(id);
      out.set(id, billingStatus(s?.order ?? null, s?.overdue ?? false));
    }
    return out;
  }

  private async changeable(access: AccessContext, id: string) {
    const order = await this.repository.order(id);
    if (!order) throw new EntityNotFoundException('disconnection order', id);
    access.require('BILLING', 'update', order.tenantId, 'disconnection order', id);
    return order;
  }
}

function stepOf(item: OpenItem) {
  return { tenantId: item.tenantId, invoiceId: item.invoiceId, subscriptionId: item.subscriptionId, customerId: item.customerId };
}

const clampZero = (v: bigint) => (v > 0n ? v : 0n);

/** The ledger entry's text in the invoice's language. */
function interestText(item: OpenItem, p: { from: string; through: string }): string {
  if (item.language === 'en') return `Late-payment interest, invoice ${item.number} (${p.from} – ${p.through})`;
  const tr = (d: string) => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
  return `Gecikme faizi, fatura ${item.number} (${tr(p.from)} – ${tr(p.through)})`;
}
