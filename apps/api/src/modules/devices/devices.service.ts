import { Injectable } from '@nestjs/common';
import { luhnValid } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { ListFiltersRepository } from '../../core/access/list-filters.repository';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { AuditService } from '../../core/audit/audit.service';
import { BadInputException, ConflictException, EntityNotFoundException, type ErrorDetail } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import {
  isMasked,
  mapDeviceDetail,
  mapDeviceRow,
  type CreateDeviceInput,
  type DeviceDetail,
  type DeviceRow,
  type IdentifiersInput,
  type DeviceBrandList,
  type DeviceBrandsQuery,
  type ListDevicesQuery,
  type NewDeviceInput,
  type UpdateDeviceInput,
} from './devices.dto';
import { DevicesRepository, type DeviceWithDetail, type IdentifierField } from './devices.repository';

type Path = (string | number)[];
type Tx = Transaction;

export interface AttachableMeter {
  id: string;
  tenantId: string;
  serialNo: string;
  meterProfileId: string;
}

/** Devices (brief 2.6): a device profile, provisioning identifiers, at most one meter of its tenant. */
@Injectable()
export class DevicesService {
  constructor(
    private readonly devices: DevicesRepository,
    private readonly audit: AuditService,
    private readonly listFilters: ListFiltersRepository,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The brand filter's options: only brands the visible devices (of `tenantId`'s subtree) are of. */
  async brands(access: AccessContext, q: DeviceBrandsQuery): Promise<DeviceBrandList> {
    return { items: await this.devices.brandsInUse(access.tenantIds('DEVICES', 'read', q.tenantId)) };
  }

  async list(access: AccessContext, q: ListDevicesQuery): Promise<Page<DeviceRow>> {
    const tenantIds = access.tenantIds('DEVICES', 'read', q.tenantId);
    await this.listFilters.requireVisible(access, access.tenantIds('DEVICES', 'read'), {
      deviceBrand: q.brandId,
      deviceProfile: q.deviceProfileId,
    });
    const { skip, take } = skipTake(q);
    const { items, total } = await this.devices.page(tenantIds, q, skip, take);
    return { items: items.map(mapDeviceRow), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<DeviceDetail> {
    const device = await this.devices.findDetail(id);
    if (!device) throw new EntityNotFoundException('device', id);
    access.require('DEVICES', 'read', device.tenantId, 'device', id);
    return mapDeviceDetail(device, await this.devices.identifierFields(device.deviceProfileId));
  }

  async create(access: AccessContext, input: CreateDeviceInput): Promise<DeviceDetail> {
    const { tenantId, meterId, ...fields } = input;
    access.require('DEVICES', 'create', tenantId);
    const id = await this.unitOfWork.run(async (tx) => {
      const meter = meterId ? await this.attachableMeter(access, tx, meterId, tenantId, ['meterId'], null) : null;
      return this.createInTx(access, tx, tenantId, fields, [], meter);
    });
    return this.detail(access, id);
  }

  /**
   * Creates a device in the caller's transaction, attached to `meter` when given (also the meter
   * form's "create new" device). The caller has checked the rights; `path` prefixes error paths.
   */
  async createInTx(
    access: AccessContext,
    tx: Tx,
    tenantId: string,
    input: NewDeviceInput,
    path: Path,
    meter: AttachableMeter | null,
  ): Promise<string> {
    const profile = await this.devices.usableProfile(tenantId, input.deviceProfileId, tx);
    if (!profile)
      throw new BadInputException('the tenant may not use this device profile', [
        { path: [...path, 'deviceProfileId'], message: 'not a device profile of this tenant' },
      ]);
    if (meter) await this.requireCompatible(tx, meter, profile.id, [...path, 'deviceProfileId']);
    await this.requireSerialFree(tx, profile.brandId, input.serialNo, null, [...path, 'serialNo']);
    const fields = await this.devices.identifierFields(profile.id, tx);
    const values = planIdentifiers(fields, input.identifiers, new Map(), [...path, 'identifiers']);
    await this.requireIdentifiersFree(tx, fields, values, new Map(), null, [...path, 'identifiers']);

    const deviceId = await this.devices.create(tx, {
      tenantId,
      deviceProfileId: profile.id,
      brandId: profile.brandId,
      serialNo: input.serialNo,
      status: input.status,
      meterId: meter?.id ?? null,
    });
    await this.writeIdentifiers(tx, deviceId, fields, values, new Map());
    await this.audit.record(
      access,
      {
        action: 'create',
        entityType: 'device',
        entityId: deviceId,
        tenantId,
        after: { ...input, meterId: meter?.id ?? null, identifiers: redact(fields, values) },
      },
      tx,
    );
    return deviceId;
  }

  async update(access: AccessContext, id: string, input: UpdateDeviceInput): Promise<DeviceDetail> {
    const before = await this.devices.findDetail(id);
    if (!before) throw new EntityNotFoundException('device', id);
    access.require('DEVICES', 'update', before.tenantId, 'device', id);
    await this.unitOfWork.run(async (tx) => {
      let profile = { id: before.deviceProfileId, brandId: before.brandId };
      if (input.deviceProfileId && input.deviceProfileId !== before.deviceProfileId) {
        const usable = await this.devices.usableProfile(before.tenantId, input.deviceProfileId, tx);
        if (!usable)
          throw new BadInputException('the tenant may not use this device profile', [
            { path: ['deviceProfileId'], message: 'not a device profile of this tenant' },
          ]);
        profile = usable;
      }
      const serialNo = input.serialNo ?? before.serialNo;
      if (serialNo !== before.serialNo || profile.brandId !== before.brandId)
        await this.requireSerialFree(tx, profile.brandId, serialNo, id, ['serialNo']);

      const meterId = input.meterId === undefined ? before.meterId : input.meterId;
      if (meterId && (meterId !== before.meterId || profile.id !== before.deviceProfileId)) {
        const meter = await this.attachableMeter(access, tx, meterId, before.tenantId, ['meterId'], id);
        await this.requireCompatible(tx, meter, profile.id, meterId !== before.meterId ? ['meterId'] : ['deviceProfileId']);
      }

      const fields = await this.devices.identifierFields(profile.id, tx);
      const current = currentValues(before);
      const values = planIdentifiers(fields, input.identifiers ?? {}, current, ['identifiers']);
      await this.requireIdentifiersFree(tx, fields, values, current, id, ['identifiers']);

      await this.devices.update(tx, id, {
        deviceProfileId: profile.id,
        brandId: profile.brandId,
        serialNo,
        meterId,
        ...(input.status ? { status: input.status } : {}),
      });
      await this.writeIdentifiers(tx, id, fields, values, current);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'device',
          entityId: id,
          tenantId: before.tenantId,
          before: snapshot(before),
          after: { ...input, ...(input.identifiers ? { identifiers: redact(fields, values) } : {}) },
        },
        tx,
      );
    });
    return this.detail(access, id);
  }

  async attach(access: AccessContext, id: string, meterId: string): Promise<DeviceDetail> {
    return this.update(access, id, { meterId });
  }

  async detach(access: AccessContext, id: string): Promise<DeviceDetail> {
    const before = await this.devices.findDetail(id);
    if (!before) throw new EntityNotFoundException('device', id);
    access.require('DEVICES', 'update', before.tenantId, 'device', id);
    if (!before.meterId) throw new ConflictException('the device is not attached to a meter', [], { code: 'notAttached' });
    return this.update(access, id, { meterId: null });
  }

  /** A device with readings is evidence of billing: it is retired, never deleted. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.devices.findDetail(id);
    if (!before) throw new EntityNotFoundException('device', id);
    access.require('DEVICES', 'delete', before.tenantId, 'device', id);
    if (await this.devices.hasReadings(id)) {
      throw new ConflictException(
        `device ${before.serialNo} has readings and cannot be deleted; retire it: set status USED or PASSIVE`,
        [],
        {
          code: 'hasHistory',
        },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.devices.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'device', entityId: id, tenantId: before.tenantId, before: snapshot(before) },
        tx,
      );
    });
  }

  /** A device another form refers to (the meter form's "select from inventory"): visible or 404. */
  async reference(
    access: AccessContext,
    id: string,
    tx?: Tx,
  ): Promise<{ id: string; tenantId: string; serialNo: string; deviceProfileId: string; meterId: string | null }> {
    const d = await this.devices.findRef(id, tx);
    if (!d || !access.canSee(d.tenantId)) throw new EntityNotFoundException('device', id);
    return d;
  }

  /** Sets or clears a device's meter inside the caller's transaction, after checking the pairing. */
  async setMeterInTx(access: AccessContext, tx: Tx, deviceId: string, meter: AttachableMeter | null, path: Path): Promise<void> {
    const device = await this.reference(access, deviceId, tx);
    if (meter) {
      if (device.tenantId !== meter.tenantId)
        throw new BadInputException("the device belongs to another tenant than the meter's", [
          { path, message: 'not a device of this tenant' },
        ]);
      if (device.meterId && device.meterId !== meter.id) {
        throw new ConflictException(
          `device ${device.serialNo} is attached to another meter; detach it first`,
          [{ path, message: 'attached to another meter' }],
          { code: 'attachedElsewhere' },
        );
      }
      await this.requireCompatible(tx, meter, device.deviceProfileId, path);
    }
    if (device.meterId === (meter?.id ?? null)) return;
    await this.devices.update(tx, deviceId, { meterId: meter?.id ?? null });
    await this.audit.record(
      access,
      {
        action: 'update',
        entityType: 'device',
        entityId: deviceId,
        tenantId: device.tenantId,
        before: { meterId: device.meterId },
        after: { meterId: meter?.id ?? null },
      },
      tx,
    );
  }

  async requireCompatible(tx: Tx, meter: AttachableMeter, deviceProfileId: string, path: Path): Promise<void> {
    if (!(await this.devices.compatible(meter.meterProfileId, deviceProfileId, tx))) {
      throw new BadInputException(`the device profile is not compatible with the profile of meter ${meter.serialNo}`, [
        { path, message: 'incompatible meter and device profiles' },
      ]);
    }
  }

  private async attachableMeter(
    access: AccessContext,
    tx: Tx,
    meterId: string,
    tenantId: string,
    path: Path,
    deviceId: string | null,
  ): Promise<AttachableMeter> {
    const meter = await this.devices.meterForAttach(meterId, tx);
    if (!meter || !access.canSee(meter.tenantId)) throw new EntityNotFoundException('meter', meterId);
    if (meter.tenantId !== tenantId)
      throw new BadInputException("the meter belongs to another tenant than the device's", [
        { path, message: 'not a meter of this tenant' },
      ]);
    if (meter.device && meter.device.id !== deviceId) {
      throw new ConflictException(
        `meter ${meter.serialNo} already has device ${meter.device.serialNo}; detach it first`,
        [{ path, message: `has device ${meter.device.serialNo}`, code: 'attachedElsewhere' }],
        { code: 'attachedElsewhere' },
      );
    }
    return meter;
  }

  private async requireSerialFree(tx: Tx, brandId: string, serialNo: string, exceptId: string | null, path: Path): Promise<void> {
    if (await this.devices.serialTaken(brandId, serialNo, exceptId, tx)) {
      throw ConflictException.alreadyExists(
        `a device of this brand with serial number ${serialNo} already exists`,
        path,
        'already used for this brand',
      );
    }
  }

  private async requireIdentifiersFree(
    tx: Tx,
    fields: IdentifierField[],
    values: Map<string, string>,
    current: Map<string, string>,
    deviceId: string | null,
    path: Path,
  ): Promise<void> {
    for (const f of fields) {
      const value = values.get(f.key);
      if (!f.isUnique || value === undefined || value.toLowerCase() === current.get(f.key)?.toLowerCase()) continue;
      if (await this.devices.identifierOwner(f.id, value, deviceId, tx)) {
        throw ConflictException.alreadyExists(
          `${f.key} ${value} is already registered to another device`,
          [...path, f.key],
          'already registered to another device',
        );
      }
    }
  }

  private async writeIdentifiers(
    tx: Tx,
    deviceId: string,
    fields: IdentifierField[],
    values: Map<string, string>,
    current: Map<string, string>,
  ): Promise<void> {
    await this.devices.deleteIdentifiersExcept(
      tx,
      deviceId,
      fields.filter((f) => values.has(f.key)).map((f) => f.id),
    );
    for (const f of fields) {
      const value = values.get(f.key);
      if (value === undefined || value === current.get(f.key)) continue;
      const data = { value, normalizedValue: value.toLowerCase(), isUnique: f.isUnique };
      await this.devices.upsertIdentifier(tx, deviceId, f.id, data);
    }
  }
}

function currentValues(d: DeviceWithDetail): Map<string, string> {
  return new Map(d.identifiers.map((i) => [i.field.key, i.value]));
}

const FORMAT: Record<IdentifierField['valueType'], (f: IdentifierField) => string> = {
  HEX: (f) => (f.length ? `must be ${f.length} hexadecimal characters` : 'must be hexadecimal'),
  DIGITS: (f) => (f.length ? `must be ${f.length} digits` : `must be digits matching ${f.regex}`),
  MAC: () => 'must be a MAC address like 00:1A:2B:3C:4D:5E',
  TEXT: (f) => `must match ${f.regex}`,
};

/**
 * The identifier values a device will hold, keyed by field key: the request's values checked
 * against the profile's fields (unknown keys, required fields, format), current values kept where
 * the request is silent, and secrets kept when left out or sent back masked.
 */
export function planIdentifiers(
  fields: IdentifierField[],
  input: IdentifiersInput,
  current: Map<string, string>,
  path: Path,
): Map<string, string> {
  const keys = [...new Set(fields.map((f) => f.key))];
  const details: ErrorDetail[] = [];
  for (const key of Object.keys(input)) {
    if (!keys.includes(key))
      details.push({ path: [...path, key], message: `not a field of this device profile (expected ${keys.join(', ') || 'none'})` });
  }
  const values = new Map<string, string>();
  for (const key of keys) {
    const f = fields.find((x) => x.key === key)!;
    let value: string | null | undefined = input[key];
    if (f.isSecret && typeof value === 'string' && (value === '' || isMasked(value))) value = undefined;
    if (value === '') value = null;
    if (value === undefined) value = current.get(key) ?? null;
    if (value === null) {
      if (f.isRequired) details.push({ path: [...path, key], message: 'required' });
      continue;
    }
    if (!new RegExp(f.regex).test(value)) details.push({ path: [...path, key], message: FORMAT[f.valueType](f) });
    else if (key === 'IMEI' && !luhnValid(value)) details.push({ path: [...path, key], message: 'check digit (Luhn) does not match' });
    values.set(key, value);
  }
  if (details.length)
    throw new BadInputException(`invalid identifiers: ${details.map((d) => `${d.path.at(-1)} ${d.message}`).join('; ')}`, details);
  return values;
}

/** Audit snapshots never hold secrets. */
function redact(fields: IdentifierField[], values: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of values) out[key] = fields.find((f) => f.key === key)?.isSecret ? '[secret]' : value;
  return out;
}

function snapshot(d: DeviceWithDetail) {
  return {
    id: d.id,
    tenantId: d.tenantId,
    deviceProfileId: d.deviceProfileId,
    brandId: d.brandId,
    meterId: d.meterId,
    serialNo: d.serialNo,
    status: d.status,
    identifiers: Object.fromEntries(d.identifiers.map((i) => [i.field.key, i.field.isSecret ? '[secret]' : i.value])),
  };
}
