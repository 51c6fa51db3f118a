import { Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork, type Transaction as Tx } from '../../core/database/unit-of-work';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { DevicesService, type AttachableMeter } from '../devices/devices.service';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import {
  mapMeterDetail,
  mapMeterRow,
  type CreateMeterInput,
  type DeviceConfig,
  type ListMetersQuery,
  type MeterBrandList,
  type MeterBrandsQuery,
  type MeterDetail,
  type MeterRow,
  type UpdateMeterInput,
} from './meters.dto';
import { MetersRepository, type MeterWithDetail } from './meters.repository';

/** Meters (brief 2.5): one tenant, one profile it may use, at most one device and one subscription at a time. */
@Injectable()
export class MetersService {
  constructor(
    private readonly meters: MetersRepository,
    private readonly devices: DevicesService,
    private readonly subscriptions: SubscriptionsService,
    private readonly audit: AuditService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListMetersQuery): Promise<Page<MeterRow>> {
    const tenantIds = access.tenantIds('METERS', 'read', q.tenantId);
    await this.listFilters.requireVisible(access, access.tenantIds('METERS', 'read'), {
      meterBrand: q.brandId,
      meterProfile: q.meterProfileId,
    });
    const { skip, take } = skipTake(q);
    const { items, total } = await this.meters.page(tenantIds, q, skip, take);
    return { items: items.map(mapMeterRow), total, page: q.page, pageSize: q.pageSize };
  }

  /** The brand filter's options: only brands the visible meters (of `tenantId`'s subtree) are of. */
  async brands(access: AccessContext, q: MeterBrandsQuery): Promise<MeterBrandList> {
    return this.brandsOf(access.tenantIds('METERS', 'read', q.tenantId));
  }

  /** The brands the meters of these tenants are of; the caller works out the tenants from its own right (live readings). */
  async brandsOf(tenantIds: string[]): Promise<MeterBrandList> {
    return { items: await this.meters.brandsInUse(tenantIds) };
  }

  async detail(access: AccessContext, id: string): Promise<MeterDetail> {
    const meter = await this.meters.findDetail(id);
    if (!meter) throw new EntityNotFoundException('meter', id);
    access.require('METERS', 'read', meter.tenantId, 'meter', id);
    return mapMeterDetail(meter);
  }

  async create(access: AccessContext, input: CreateMeterInput): Promise<MeterDetail> {
    const { tenantId } = input;
    access.require('METERS', 'create', tenantId);
    const subscription = input.subscriptionId ? await this.subscriptionOf(access, input.subscriptionId, tenantId) : null;
    this.requireDeviceRight(access, tenantId, input.device);

    const id = await this.unitOfWork.run(async (tx) => {
      const profile = await this.usableProfile(tx, tenantId, input.meterProfileId);
      await this.requireSerialFree(tx, profile.brandId, input.serialNo, null);
      const meter = await this.meters.create(tx, {
        tenantId,
        meterProfileId: profile.id,
        brandId: profile.brandId,
        serialNo: input.serialNo,
        initialIndexM3: input.initialIndexM3,
        installedAt: input.installedAt ?? null,
        status: input.status,
        communicationModule: input.communicationModule ?? null,
        hasValve: input.hasValve,
        valveState: input.valveState ?? null,
      });
      const { device: _d, ...fields } = input;
      await this.audit.record(
        access,
        { action: 'create', entityType: 'meter', entityId: meter.id, tenantId, after: { ...fields, deviceMode: input.device.mode } },
        tx,
      );
      await this.configureDevice(
        access,
        tx,
        { id: meter.id, tenantId, serialNo: meter.serialNo, meterProfileId: profile.id },
        null,
        input.device,
      );
      if (subscription) {
        await this.subscriptions.assignMeterInTx(
          access,
          tx,
          subscription,
          { meterId: meter.id, at: input.installedAt ?? undefined, initialIndexM3: input.initialIndexM3 },
          { meterId: ['subscriptionId'], at: ['installedAt'] },
        );
      }
      return meter.id;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateMeterInput): Promise<MeterDetail> {
    const before = await this.meters.findDetail(id);
    if (!before) throw new EntityNotFoundException('meter', id);
    access.require('METERS', 'update', before.tenantId, 'meter', id);
    const tenantId = before.tenantId;
    if (input.device) this.requireDeviceRight(access, tenantId, input.device);
    const current = before.subscriptions.find((s) => s.endedAt === null)?.subscription;
    let target: { id: string; tenantId: string } | null | undefined;
    if (input.subscriptionId)
      target = input.subscriptionId === current?.id ? undefined : await this.subscriptionOf(access, input.subscriptionId, tenantId);
    else if (input.subscriptionId === null && current) {
      access.require('SUBSCRIPTIONS', 'update', tenantId, 'subscription', current.id);
      target = null;
    }

    const hasValve = input.hasValve ?? before.hasValve;
    let valveState = input.valveState !== undefined ? input.valveState : before.valveState;
    if (!hasValve && valveState) {
      if (input.valveState)
        throw new BadInputException('only a meter with a valve has a valve state', [
          { path: ['valveState'], message: 'the meter has no valve' },
        ]);
      valveState = null;
    }

    await this.unitOfWork.run(async (tx) => {
      let profile = { id: before.meterProfileId, brandId: before.brandId };
      if (input.meterProfileId && input.meterProfileId !== before.meterProfileId)
        profile = await this.usableProfile(tx, tenantId, input.meterProfileId);
      const serialNo = input.serialNo ?? before.serialNo;
      if (serialNo !== before.serialNo || profile.brandId !== before.brandId)
        await this.requireSerialFree(tx, profile.brandId, serialNo, id);
      const attachable: AttachableMeter = { id, tenantId, serialNo, meterProfileId: profile.id };
      // A new profile must still suit the device that stays attached.
      if (
        before.device &&
        profile.id !== before.meterProfileId &&
        (!input.device || (input.device.mode === 'existing' && input.device.deviceId === before.device.id))
      ) {
        const device = await this.devices.reference(access, before.device.id, tx);
        await this.devices.requireCompatible(tx, attachable, device.deviceProfileId, ['meterProfileId']);
      }
      await this.meters.update(tx, id, {
        meterProfileId: profile.id,
        brandId: profile.brandId,
        serialNo,
        ...(input.initialIndexM3 !== undefined ? { initialIndexM3: input.initialIndexM3 } : {}),
        ...(input.installedAt !== undefined ? { installedAt: input.installedAt } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.communicationModule !== undefined ? { communicationModule: input.communicationModule } : {}),
        hasValve,
        valveState,
      });
      if (input.device) await this.configureDevice(access, tx, attachable, before.device?.id ?? null, input.device);
      if (target !== undefined) {
        const subscription = target ?? { id: current!.id, tenantId };
        await this.subscriptions.assignMeterInTx(
          access,
          tx,
          subscription,
          { meterId: target ? id : null },
          { meterId: ['subscriptionId'], at: ['installedAt'] },
        );
      }
      const { device: _d, ...fields } = input;
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'meter',
          entityId: id,
          tenantId,
          before: snapshot(before),
          after: { ...fields, ...(input.device ? { deviceMode: input.device.mode } : {}) },
        },
        tx,
      );
    });
    return this.detail(access, id);
  }

  /** Readings and subscription periods are billing history: such a meter is retired, never deleted. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.meters.findDetail(id);
    if (!before) throw new EntityNotFoundException('meter', id);
    access.require('METERS', 'delete', before.tenantId, 'meter', id);
    if (before.subscriptions.length || (await this.meters.hasReadings(id))) {
      throw new ConflictException(
        `meter ${before.serialNo} has readings or subscription history and cannot be deleted; retire it: set status USED or PASSIVE`,
        [],
        { code: 'hasHistory' },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      // Its device goes back to the inventory.
      if (before.device) await this.devices.setMeterInTx(access, tx, before.device.id, null, ['device']);
      await this.meters.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'meter', entityId: id, tenantId: before.tenantId, before: snapshot(before) },
        tx,
      );
    });
  }

  /** Device configuration of the meter form: none (detach), an inventory device, or a new one. */
  private async configureDevice(
    access: AccessContext,
    tx: Tx,
    meter: AttachableMeter,
    currentDeviceId: string | null,
    config: DeviceConfig,
  ): Promise<void> {
    if (config.mode === 'existing' && config.deviceId === currentDeviceId) return;
    if (currentDeviceId) await this.devices.setMeterInTx(access, tx, currentDeviceId, null, ['device']);
    if (config.mode === 'existing') await this.devices.setMeterInTx(access, tx, config.deviceId, meter, ['device', 'deviceId']);
    if (config.mode === 'new') {
      const { mode: _m, ...device } = config;
      await this.devices.createInTx(access, tx, meter.tenantId, device, ['device'], meter);
    }
  }

  private requireDeviceRight(access: AccessContext, tenantId: string, config: DeviceConfig): void {
    if (config.mode === 'existing') access.require('DEVICES', 'update', tenantId);
    if (config.mode === 'new') access.require('DEVICES', 'create', tenantId);
  }

  private async subscriptionOf(access: AccessContext, subscriptionId: string, tenantId: string): Promise<{ id: string; tenantId: string }> {
    const s = await this.subscriptions.reference(access, subscriptionId);
    if (s.tenantId !== tenantId)
      throw new BadInputException("the subscription belongs to another tenant than the meter's", [
        { path: ['subscriptionId'], message: 'not a subscription of this tenant' },
      ]);
    access.require('SUBSCRIPTIONS', 'update', s.tenantId, 'subscription', s.id);
    return s;
  }

  private async usableProfile(tx: Tx, tenantId: string, meterProfileId: string): Promise<{ id: string; brandId: string }> {
    const profile = await this.meters.usableProfile(tenantId, meterProfileId, tx);
    if (!profile)
      throw new BadInputException('the tenant may not use this meter profile', [
        { path: ['meterProfileId'], message: 'not a meter profile allowed for this tenant' },
      ]);
    return profile;
  }

  private async requireSerialFree(tx: Tx, brandId: string, serialNo: string, exceptId: string | null): Promise<void> {
    if (await this.meters.serialTaken(brandId, serialNo, exceptId, tx)) {
      throw ConflictException.alreadyExists(
        `a meter of this brand with serial number ${serialNo} already exists`,
        ['serialNo'],
        'already used for this brand',
      );
    }
  }
}

function snapshot(m: MeterWithDetail) {
  const { tenant: _t, brand: _b, profile: _p, device, subscriptions, ...rest } = m;
  return { ...rest, deviceId: device?.id ?? null, subscriptionIds: subscriptions.map((s) => s.subscription.id) };
}
