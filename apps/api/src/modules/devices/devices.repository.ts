import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { likeExact } from '../../core/database/like';
import { matchesSearch } from '../../core/database/search';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { ListDevicesQuery } from './devices.dto';

type Tx = Transaction;

const named = { select: { name: true } } as const;

export const deviceInclude = {
  tenant: named,
  brand: named,
  profile: {
    select: {
      id: true,
      modelCode: true,
      communicationModule: true,
      batteryLifeMonths: true,
      expectedIntervalMinutes: true,
      technologies: { include: { technology: { select: { code: true, name: true } } } },
    },
  },
  meter: {
    include: {
      brand: named,
      profile: { select: { modelCode: true } },
      subscriptions: {
        where: { endedAt: null },
        include: {
          subscription: {
            select: {
              id: true,
              subscriptionNo: true,
              address: true,
              customer: { select: { customerType: true, name: true, surname: true, organizationName: true } },
            },
          },
        },
      },
    },
  },
  identifiers: {
    include: {
      field: {
        select: {
          key: true,
          label: true,
          labelEn: true,
          isSecret: true,
          isRequired: true,
          isUnique: true,
          sortOrder: true,
          technology: { select: { code: true, name: true } },
        },
      },
    },
  },
} satisfies Prisma.DeviceInclude;
export type DeviceWithDetail = Prisma.DeviceGetPayload<{ include: typeof deviceInclude }>;

export interface IdentifierField {
  id: string;
  key: string;
  label: string;
  labelEn: string | null;
  valueType: 'HEX' | 'DIGITS' | 'TEXT' | 'MAC';
  length: number | null;
  regex: string;
  isRequired: boolean;
  isSecret: boolean;
  isUnique: boolean;
  technologyCode: string;
}

/** Device rows and the profile facts the device rules need (read-only queries of their own). */
@Injectable()
export class DevicesRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx?: Tx): Promise<DeviceWithDetail | null> {
    return clientOf(this.database, tx).device.findUnique({ where: { id }, include: deviceInclude });
  }

  /** The brands of the devices of these tenants, by name. */
  async brandsInUse(tenantIds: string[]): Promise<{ id: string; name: string }[]> {
    if (tenantIds.length === 0) return [];
    return this.database.db
      .selectFrom('device_brand as b')
      .select(['b.id', 'b.name'])
      .where((eb) =>
        eb.exists(eb.selectFrom('device as d').select('d.id').whereRef('d.brand_id', '=', 'b.id').where('d.tenant_id', 'in', tenantIds)),
      )
      .orderBy('b.name')
      .execute();
  }

  /**
   * One page of devices and the total. The filters run in Kysely (the search through water_search_ids,
   * which the trigram index serves under row-level security), the rows are read by id through Prisma.
   */
  async page(tenantIds: string[], q: ListDevicesQuery, skip: number, take: number) {
    if (tenantIds.length === 0) return { items: [], total: 0 };
    const s = q.search;
    const base = this.database.db
      .selectFrom('device as d')
      .where('d.tenant_id', 'in', tenantIds)
      .$if(Boolean(q.status), (qb) => qb.where('d.status', '=', q.status!))
      .$if(Boolean(q.brandId), (qb) => qb.where('d.brand_id', '=', q.brandId!))
      .$if(Boolean(q.deviceProfileId), (qb) => qb.where('d.device_profile_id', '=', q.deviceProfileId!))
      .$if(q.attached !== undefined, (qb) => qb.where('d.meter_id', q.attached ? 'is not' : 'is', null))
      .$if(Boolean(s), (qb) =>
        qb.where((eb) =>
          eb.or([
            matchesSearch('device', 'd.id', s!),
            matchesSearch('meter', 'd.meter_id', s!),
            // Secrets are never searchable: a search must not become an oracle for them.
            eb.exists(
              eb
                .selectFrom('device_identifier as i')
                .innerJoin('communication_technology_field as f', 'f.id', 'i.field_id')
                .select('i.device_id')
                .whereRef('i.device_id', '=', 'd.id')
                .where('f.is_secret', '=', false)
                .where('i.normalized_value', 'like', likeExact(s!.toLowerCase())),
            ),
          ]),
        ),
      );
    const column = {
      serialNo: 'd.serial_no',
      status: 'd.status',
      lastSeenAt: 'd.last_seen_at',
      batteryPct: 'd.battery_pct',
      createdAt: 'd.created_at',
    } as const;
    const nullable = q.sort === 'lastSeenAt' || q.sort === 'batteryPct';
    const [rows, count] = await Promise.all([
      base
        .select('d.id')
        .orderBy(column[q.sort], (ob) => {
          const directed = q.order === 'desc' ? ob.desc() : ob.asc();
          return nullable ? directed.nullsLast() : directed;
        })
        .orderBy('d.id')
        .offset(skip)
        .limit(take)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((r) => r.id);
    const found = new Map(
      (await this.prisma.device.findMany({ where: { id: { in: ids } }, include: deviceInclude })).map((d) => [d.id, d]),
    );
    return { items: ids.flatMap((id) => found.get(id) ?? []), total: Number(count.n) };
  }

  /** The device profile if the tenant may use it: the root tenant uses every profile, others their allowed ones. */
  async usableProfile(tenantId: string, deviceProfileId: string, tx?: Tx): Promise<{ id: string; brandId: string } | null> {
    const tenant = await clientOf(this.database, tx).tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
    if (!tenant) return null;
    if (tenant.parentId === null)
      return clientOf(this.database, tx).deviceProfile.findUnique({ where: { id: deviceProfileId }, select: { id: true, brandId: true } });
    const allowed = await clientOf(this.database, tx).tenantDeviceProfile.findUnique({
      where: { tenantId_deviceProfileId: { tenantId, deviceProfileId } },
      select: { deviceProfile: { select: { id: true, brandId: true } } },
    });
    return allowed?.deviceProfile ?? null;
  }

  async compatible(meterProfileId: string, deviceProfileId: string, tx?: Tx): Promise<boolean> {
    return Boolean(
      await clientOf(this.database, tx).meterProfileDeviceProfile.findUnique({
        where: { meterProfileId_deviceProfileId: { meterProfileId, deviceProfileId } },
      }),
    );
  }

  /** Provisioning fields of the profile's communication technologies, in display order. */
  async identifierFields(deviceProfileId: string, tx?: Tx): Promise<IdentifierField[]> {
    const rows = await clientOf(this.database, tx).communicationTechnologyField.findMany({
      where: { technology: { profiles: { some: { deviceProfileId } } } },
      include: { technology: { select: { code: true } } },
      orderBy: [{ technology: { sortOrder: 'asc' } }, { sortOrder: 'asc' }],
    });
    return rows.map((f) => ({
      id: f.id,
      key: f.key,
      label: f.label,
      labelEn: f.labelEn,
      valueType: f.valueType,
      length: f.length,
      regex: f.regex,
      isRequired: f.isRequired,
      isSecret: f.isSecret,
      isUnique: f.isUnique,
      technologyCode: f.technology.code,
    }));
  }

  /** Another device already holding this identifying value. */
  identifierOwner(fieldId: string, value: string, exceptDeviceId: string | null, tx?: Tx) {
    return clientOf(this.database, tx).deviceIdentifier.findFirst({
      where: {
        fieldId,
        normalizedValue: value.toLowerCase(),
        isUnique: true,
        ...(exceptDeviceId ? { NOT: { deviceId: exceptDeviceId } } : {}),
      },
      select: { deviceId: true },
    });
  }

  serialTaken(brandId: string, serialNo: string, exceptId: string | null, tx?: Tx) {
    return clientOf(this.database, tx).device.findFirst({
      where: { brandId, serialNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      select: { id: true },
    });
  }

  meterForAttach(meterId: string, tx?: Tx) {
    return clientOf(this.database, tx).meter.findUnique({
      where: { id: meterId },
      select: { id: true, tenantId: true, serialNo: true, meterProfileId: true, device: { select: { id: true, serialNo: true } } },
    });
  }

  findRef(id: string, tx?: Tx) {
    return clientOf(this.database, tx).device.findUnique({
      where: { id },
      select: { id: true, tenantId: true, serialNo: true, deviceProfileId: true, meterId: true },
    });
  }

  async create(tx: Tx, data: Prisma.DeviceUncheckedCreateInput): Promise<string> {
    return (await clientOf(this.database, tx).device.create({ data })).id;
  }

  async update(tx: Tx, id: string, data: Prisma.DeviceUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).device.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).device.delete({ where: { id } });
  }

  /** Drops the device's identifiers of every field but `keepFieldIds`. */
  async deleteIdentifiersExcept(tx: Tx, deviceId: string, keepFieldIds: string[]): Promise<void> {
    await clientOf(this.database, tx).deviceIdentifier.deleteMany({ where: { deviceId, fieldId: { notIn: keepFieldIds } } });
  }

  async upsertIdentifier(
    tx: Tx,
    deviceId: string,
    fieldId: string,
    data: { value: string; normalizedValue: string; isUnique: boolean },
  ): Promise<void> {
    await clientOf(this.database, tx).deviceIdentifier.upsert({
      where: { deviceId_fieldId: { deviceId, fieldId } },
      create: { deviceId, fieldId, ...data },
      update: data,
    });
  }

  async hasReadings(deviceId: string, tx?: Tx): Promise<boolean> {
    return Boolean(await clientOf(this.database, tx).reading.findFirst({ where: { deviceId }, select: { time: true } }));
  }
}
