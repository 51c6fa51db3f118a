import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { AddressesService } from '../addresses/addresses.service';
import type { NewCustomerInput } from '../customers/customers.dto';
import { CustomersService } from '../customers/customers.service';
import { DunningService } from '../dunning/dunning.service';
import {
  mapSubscriptionDetail,
  mapSubscriptionRow,
  num,
  type ChangeMeterInput,
  type CreateSubscriptionInput,
  type ListSubscriptionsQuery,
  type SubscriptionDetail,
  type SubscriptionRow,
  type UpdateSubscriptionInput,
} from './subscriptions.dto';
import { SubscriptionsRepository } from './subscriptions.repository';

type Tx = Transaction;

/** A meter change may be dated up to this much ahead of the server clock (clock skew of the field tablet). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

type Path = (string | number)[];

/** Subscriptions (brief 2.3): one customer, one tenant, one meter at a time with its history kept. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly subscriptions: SubscriptionsRepository,
    private readonly customers: CustomersService,
    private readonly addresses: AddressesService,
    private readonly audit: AuditService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly dunning: DunningService,
  ) {}

  async list(access: AccessContext, q: ListSubscriptionsQuery): Promise<Page<SubscriptionRow>> {
    const tenantIds = access.tenantIds('SUBSCRIPTIONS', 'read', q.tenantId);
    await this.listFilters.requireVisible(access, access.tenantIds('SUBSCRIPTIONS', 'read'), {
      customer: q.customerId,
      subscriptionGroup: q.groupId,
    });
    const { skip, take } = skipTake(q);
    const { rows, total } = await this.subscriptions.page({ ...q, tenantIds, skip, take });
    const statuses = await this.dunning.billingStatuses(rows.map((r) => r.id));
    return { items: rows.map((r) => mapSubscriptionRow(r, statuses.get(r.id)!)), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<SubscriptionDetail> {
    const s = await this.subscriptions.findDetail(id);
    if (!s) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'read', s.tenantId, 'subscription', id);
    const row = await this.subscriptions.row(id);
    const statuses = await this.dunning.billingStatuses([id]);
    return mapSubscriptionDetail(mapSubscriptionRow(row!, statuses.get(id)!), s);
  }

  async create(access: AccessContext, input: CreateSubscriptionInput): Promise<SubscriptionDetail> {
    let tenantId: string;
    if (input.customerId) {
      const customer = await this.customers.reference(access, input.customerId);
      access.require('SUBSCRIPTIONS', 'create', customer.tenantId, 'customer', customer.id);
      if (input.tenantId && input.tenantId !== customer.tenantId) {
        throw new BadInputException("a subscription belongs to its customer's tenant", [
          { path: ['tenantId'], message: "differs from the customer's tenant" },
        ]);
      }
      if (customer.customerType !== input.type) {
        throw new BadInputException('the subscription type must match the customer type', [
          { path: ['type'], message: `the customer is ${customer.customerType.toLowerCase()}` },
        ]);
      }
      tenantId = customer.tenantId;
    } else {
      tenantId = input.tenantId!;
      access.require('SUBSCRIPTIONS', 'create', tenantId);
      access.require('CUSTOMERS', 'create', tenantId);
    }
    await this.checkGroup(input.groupId);
    await this.checkNumberFree(tenantId, input.subscriptionNo, null);

    const id = await this.unitOfWork.run(async (tx) => {
      const addressId = (await this.addresses.resolve(access, tx, tenantId, input)) ?? null;
      const customerId =
        input.customerId ??
        (await this.customers.createInTx(
          access,
          tx,
          tenantId,
          { type: input.type, ...input.customer } as NewCustomerInput,
          ['customer'],
          addressId,
        ));
      const subscriptionId = await this.subscriptions.create(tx, {
        tenantId,
        customerId,
        subscriptionNo: input.subscriptionNo,
        subscriptionType: input.type,
        groupId: input.groupId,
        addressId,
        isActive: input.isActive ?? true,
      });
      await this.audit.record(
        access,
        { action: 'create', entityType: 'subscription', entityId: subscriptionId, tenantId, after: { ...input, customerId } },
        tx,
      );
      if (input.meterId) {
        await this.assignMeterInTx(
          access,
          tx,
          { id: subscriptionId, tenantId },
          { meterId: input.meterId, at: input.meterStartedAt, initialIndexM3: input.initialIndexM3 },
          { meterId: ['meterId'], at: ['meterStartedAt'] },
        );
      }
      return subscriptionId;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateSubscriptionInput): Promise<SubscriptionDetail> {
    const before = await this.subscriptions.findBare(id);
    if (!before) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'update', before.tenantId, 'subscription', id);
    if (input.type && input.type !== before.subscriptionType) {
      throw new BadInputException('the subscription type follows its customer and cannot change', [
        { path: ['type'], message: `the subscription is ${before.subscriptionType.toLowerCase()}` },
      ]);
    }
    if (input.customerId && input.customerId !== before.customerId) {
      const customer = await this.customers.reference(access, input.customerId);
      if (customer.tenantId !== before.tenantId)
        throw new BadInputException('the new customer belongs to another tenant', [
          { path: ['customerId'], message: 'not a customer of this tenant' },
        ]);
      if (customer.customerType !== before.subscriptionType) {
        throw new BadInputException('the subscription type must match the customer type', [
          { path: ['customerId'], message: `the customer is ${customer.customerType.toLowerCase()}` },
        ]);
      }
    }
    if (input.groupId) await this.checkGroup(input.groupId);
    if (input.subscriptionNo && input.subscriptionNo !== before.subscriptionNo)
      await this.checkNumberFree(before.tenantId, input.subscriptionNo, id);

    await this.unitOfWork.run(async (tx) => {
      const addressId = await this.addresses.replace(access, tx, before.tenantId, before.addressId, input);
      await this.subscriptions.update(tx, id, {
        ...(input.subscriptionNo !== undefined ? { subscriptionNo: input.subscriptionNo } : {}),
        ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
        ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
        ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
        ...(addressId ? { addressId } : {}),
      });
      if (addressId && addressId !== before.addressId) await this.addresses.deleteIfUnused(access, tx, before.addressId);
      const { _count, ...snapshot } = before;
      await this.audit.record(
        access,
        { action: 'update', entityType: 'subscription', entityId: id, tenantId: before.tenantId, before: snapshot, after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  /** Only a subscription that never had a meter can be deleted; others keep their history and are deactivated. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.subscriptions.findBare(id);
    if (!before) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'delete', before.tenantId, 'subscription', id);
    if (before._count.meterHistory > 0) {
      throw new ConflictException(
        `subscription ${before.subscriptionNo} has meter history; deactivate it (isActive: false) instead of deleting it`,
        [],
        { code: 'hasHistory' },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.subscriptions.delete(tx, id);
      await this.addresses.deleteIfUnused(access, tx, before.addressId);
      const { _count, ...snapshot } = before;
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'subscription', entityId: id, tenantId: before.tenantId, before: snapshot },
        tx,
      );
    });
  }

  /** PUT /subscriptions/:id/meter: ends the current meter period and starts the next, in one transaction. */
  async changeMeter(access: AccessContext, id: string, input: ChangeMeterInput): Promise<SubscriptionDetail> {
    const s = await this.subscriptions.findBare(id);
    if (!s) throw new EntityNotFoundException('subscription', id);
    access.require('SUBSCRIPTIONS', 'update', s.tenantId, 'subscription', id);
    await this.unitOfWork.run((tx) =>
      this.assignMeterInTx(access, tx, { id, tenantId: s.tenantId }, input, { meterId: ['meterId'], at: ['at'] }),
    );
    return this.detail(access, id);
  }

  /**
   * Closes the subscription's open meter period (ended_at, final index) and opens one for `meterId`
   * (same tenant, serving no other subscription). Also used by the meter form's "related subscription".
   */
  async assignMeterInTx(
    access: AccessContext,
    tx: Tx,
    subscription: { id: string; tenantId: string },
    input: { meterId: string | null; at?: Date; finalIndexM3?: number; initialIndexM3?: number },
    paths: { meterId: Path; at: Path },
  ): Promise<void> {
    const at = input.at ?? new Date();
    if (at.getTime() > Date.now() + FUTURE_TOLERANCE_MS)
      throw new BadInputException('a meter change cannot be dated in the future', [{ path: paths.at, message: 'in the future' }]);
    const open = await this.subscriptions.openPeriod(subscription.id, tx);
    if (input.meterId && open?.meterId === input.meterId) {
      throw new ConflictException(
        `meter ${open.meter.serialNo} already serves this subscription`,
        [{ path: paths.meterId, message: 'already the current meter' }],
        { code: 'alreadyDone' },
      );
    }
    if (!input.meterId && !open)
      throw new ConflictException(
        'the subscription has no meter to take off',
        [{ path: paths.meterId, message: 'no current meter', code: 'notAttached' }],
        {
          code: 'notAttached',
        },
      );

    let meter: Awaited<ReturnType<SubscriptionsRepository['meterForAssignment']>> = null;
    if (input.meterId) {
      meter = await this.subscriptions.meterForAssignment(input.meterId, tx);
      if (!meter || !access.canSee(meter.tenantId)) throw new EntityNotFoundException('meter', input.meterId);
      if (meter.tenantId !== subscription.tenantId)
        throw new BadInputException("the meter belongs to another tenant than the subscription's", [
          { path: paths.meterId, message: 'not a meter of this tenant' },
        ]);
      const serving = await this.subscriptions.servingPeriod(meter.id, tx);
      if (serving) {
        throw new ConflictException(
          `meter ${meter.serialNo} already serves subscription ${serving.subscription.subscriptionNo}; take it off there first`,
          [{ path: paths.meterId, message: `serves ${serving.subscription.subscriptionNo}`, code: 'attachedElsewhere' }],
          { code: 'attachedElsewhere' },
        );
      }
      const previous = await this.subscriptions.lastClosedPeriodOfMeter(meter.id, tx);
      if (previous?.endedAt && previous.endedAt > at) {
        throw new BadInputException(`meter ${meter.serialNo} served another subscription until ${previous.endedAt.toISOString()}`, [
          { path: paths.at, message: 'overlaps the meter’s previous period' },
        ]);
      }
    }

    if (open) {
      if (at < open.startedAt)
        throw new BadInputException(`the current meter was fitted at ${open.startedAt.toISOString()}`, [
          { path: paths.at, message: 'before the current meter was fitted' },
        ]);
      const lastReading = await this.subscriptions.lastReadingIndex(open.meterId, open.startedAt, at, tx);
      const finalIndex =
        input.finalIndexM3 ?? num(lastReading?.indexM3 ?? null) ?? num(open.meter.lastIndexM3) ?? num(open.initialIndexM3)!;
      if (finalIndex < num(open.initialIndexM3)!) {
        throw new BadInputException(
          `the final index is below the initial index ${num(open.initialIndexM3)} m³ of meter ${open.meter.serialNo}`,
          [{ path: ['finalIndexM3'], message: 'below the initial index' }],
        );
      }
      await this.subscriptions.closePeriod(tx, open.id, at, finalIndex);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'subscription_meter',
          entityId: open.id,
          tenantId: subscription.tenantId,
          before: { endedAt: null },
          after: { subscriptionId: subscription.id, meterId: open.meterId, endedAt: at, finalIndexM3: finalIndex },
        },
        tx,
      );
    } else if (input.finalIndexM3 !== undefined) {
      throw new BadInputException('the subscription has no current meter to close', [
        { path: ['finalIndexM3'], message: 'no current meter' },
      ]);
    }

    if (meter) {
      const initialIndexM3 = input.initialIndexM3 ?? num(meter.lastIndexM3) ?? num(meter.initialIndexM3)!;
      const periodId = await this.subscriptions.openPeriodFor(tx, {
        tenantId: subscription.tenantId,
        subscriptionId: subscription.id,
        meterId: meter.id,
        startedAt: at,
        initialIndexM3,
      });
      await this.audit.record(
        access,
        {
          action: 'create',
          entityType: 'subscription_meter',
          entityId: periodId,
          tenantId: subscription.tenantId,
          after: { subscriptionId: subscription.id, meterId: meter.id, startedAt: at, initialIndexM3 },
        },
        tx,
      );
    }
  }

  /** A subscription another form refers to: visible or 404. */
  async reference(access: AccessContext, id: string): Promise<{ id: string; tenantId: string; subscriptionNo: string }> {
    const s = await this.subscriptions.findBare(id);
    if (!s || !access.canSee(s.tenantId)) throw new EntityNotFoundException('subscription', id);
    return { id: s.id, tenantId: s.tenantId, subscriptionNo: s.subscriptionNo };
  }

  private async checkGroup(groupId: string): Promise<void> {
    if (!(await this.subscriptions.groupExists(groupId)))
      throw new BadInputException('unknown subscription group', [{ path: ['groupId'], message: 'no such subscription group' }]);
  }

  private async checkNumberFree(tenantId: string, subscriptionNo: string, exceptId: string | null): Promise<void> {
    if (await this.subscriptions.numberTaken(tenantId, subscriptionNo, exceptId)) {
      throw ConflictException.alreadyExists(
        `subscription number ${subscriptionNo} is already used in this tenant`,
        ['subscriptionNo'],
        'already used in this tenant',
      );
    }
  }
}
