import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';

export type Tx = Prisma.TransactionClient;

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
            select: { id: true, subscriptionNo: true, address: true, customer: { select: { customerType: true, name: true, surname: true, organizationName: true } } },
          },
        },
      },
    },
  },
  identifiers: {
    include: { field: { select: { key: true, label: true, isSecret: true, isRequired: true, isUnique: true, sortOrder: true, technology: { select: { code: true, name: true } } } } },
  },
} satisfies Prisma.DeviceInclude;
export type DeviceWithDetail = Prisma.DeviceGetPayload<{ include: typeof deviceInclude }>;

export interface IdentifierField {
  id: string;
  key: string;
  label: string;
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

  get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx: Tx = this.prisma): Promise<DeviceWithDetail | null> {
    return tx.device.findUnique({ where: { id }, include: deviceInclude });
  }

  async page(where: Prisma.DeviceWhereInput, orderBy: Prisma.DeviceOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([this.prisma.device.findMany({ where, orderBy, skip, take, include: deviceInclude }), this.prisma.device.count({ where })]);
    return { items, total };
  }

  /** The device profile if the tenant may use it: the root tenant uses every profile, others their allowed ones. */
  async usableProfile(tenantId: string, deviceProfileId: string, tx: Tx = this.prisma): Promise<{ id: string; brandId: string } | null> {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
    if (!tenant) return null;
    if (tenant.parentId === null) return tx.deviceProfile.findUnique({ where: { id: deviceProfileId }, select: { id: true, brandId: true } });
    const allowed = await tx.tenantDeviceProfile.findUnique({
      where: { tenantId_deviceProfileId: { tenantId, deviceProfileId } },
      select: { deviceProfile: { select: { id: true, brandId: true } } },
    });
    return allowed?.deviceProfile ?? null;
  }

  async compatible(meterProfileId: string, deviceProfileId: string, tx: Tx = this.prisma): Promise<boolean> {
    return Boolean(await tx.meterProfileDeviceProfile.findUnique({ where: { meterProfileId_deviceProfileId: { meterProfileId, deviceProfileId } } }));
  }

  /** Provisioning fields of the profile's communication technologies, in display order. */
  async identifierFields(deviceProfileId: string, tx: Tx = this.prisma): Promise<IdentifierField[]> {
    const rows = await tx.communicationTechnologyField.findMany({
      where: { technology: { profiles: { some: { deviceProfileId } } } },
      include: { technology: { select: { code: true } } },
      orderBy: [{ technology: { sortOrder: 'asc' } }, { sortOrder: 'asc' }],
    });
    return rows.map((f) => ({
      id: f.id,
      key: f.key,
      label: f.label,
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
  identifierOwner(fieldId: string, value: string, exceptDeviceId: string | null, tx: Tx = this.prisma) {
    return tx.deviceIdentifier.findFirst({
      where: { fieldId, normalizedValue: value.toLowerCase(), isUnique: true, ...(exceptDeviceId ? { NOT: { deviceId: exceptDeviceId } } : {}) },
      select: { deviceId: true },
    });
  }

  serialTaken(brandId: string, serialNo: string, exceptId: string | null, tx: Tx = this.prisma) {
    return tx.device.findFirst({ where: { brandId, serialNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { id: true } });
  }

  meterForAttach(meterId: string, tx: Tx = this.prisma) {
    return tx.meter.findUnique({ where: { id: meterId }, select: { id: true, tenantId: true, serialNo: true, meterProfileId: true, device: { select: { id: true, serialNo: true } } } });
  }

  async hasReadings(deviceId: string, tx: Tx = this.prisma): Promise<boolean> {
    return Boolean(await tx.reading.findFirst({ where: { deviceId }, select: { time: true } }));
  }
}
