import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';

export type Tx = Prisma.TransactionClient;

const named = { select: { name: true } } as const;

export const meterInclude = {
  tenant: { select: { name: true, timeZone: true } },
  brand: named,
  profile: { include: { ipRating: { select: { code: true } } } },
  device: { include: { brand: named, profile: { select: { modelCode: true, expectedIntervalMinutes: true } } } },
  subscriptions: {
    orderBy: { startedAt: 'desc' },
    include: {
      subscription: {
        select: { id: true, subscriptionNo: true, address: true, customer: { select: { id: true, customerType: true, name: true, surname: true, organizationName: true } } },
      },
    },
  },
} satisfies Prisma.MeterInclude;
export type MeterWithDetail = Prisma.MeterGetPayload<{ include: typeof meterInclude }>;

/** Meter rows and the profile facts the meter rules need (read-only queries of their own). */
@Injectable()
export class MetersRepository {
  constructor(private readonly database: DatabaseService) {}

  get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx: Tx = this.prisma): Promise<MeterWithDetail | null> {
    return tx.meter.findUnique({ where: { id }, include: meterInclude });
  }

  async page(where: Prisma.MeterWhereInput, orderBy: Prisma.MeterOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([this.prisma.meter.findMany({ where, orderBy, skip, take, include: meterInclude }), this.prisma.meter.count({ where })]);
    return { items, total };
  }

  /** The meter profile if the tenant may use it: the root tenant uses every profile, others their allowed ones. */
  async usableProfile(tenantId: string, meterProfileId: string, tx: Tx = this.prisma): Promise<{ id: string; brandId: string } | null> {
    const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { parentId: true } });
    if (!tenant) return null;
    if (tenant.parentId === null) return tx.meterProfile.findUnique({ where: { id: meterProfileId }, select: { id: true, brandId: true } });
    const allowed = await tx.tenantMeterProfile.findUnique({
      where: { tenantId_meterProfileId: { tenantId, meterProfileId } },
      select: { meterProfile: { select: { id: true, brandId: true } } },
    });
    return allowed?.meterProfile ?? null;
  }

  serialTaken(brandId: string, serialNo: string, exceptId: string | null, tx: Tx = this.prisma) {
    return tx.meter.findFirst({ where: { brandId, serialNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) }, select: { id: true } });
  }

  async hasReadings(meterId: string, tx: Tx = this.prisma): Promise<boolean> {
    return Boolean(await tx.reading.findFirst({ where: { meterId }, select: { time: true } }));
  }
}
