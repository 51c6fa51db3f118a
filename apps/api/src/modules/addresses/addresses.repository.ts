import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';

export type Tx = Prisma.TransactionClient;

export interface AddressUsage {
  customers: number;
  contacts: number;
  subscriptions: number;
  tenants: number;
}

/** Address rows and who refers to them; no rules here. */
@Injectable()
export class AddressesRepository {
  constructor(private readonly database: DatabaseService) {}

  get prisma() {
    return this.database.prisma;
  }

  find(id: string, tx: Tx = this.prisma) {
    return tx.address.findUnique({ where: { id }, include: { tenant: { select: { name: true } } } });
  }

  async page(where: Prisma.AddressWhereInput, orderBy: Prisma.AddressOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([
      this.prisma.address.findMany({ where, orderBy, skip, take, include: { tenant: { select: { name: true } } } }),
      this.prisma.address.count({ where }),
    ]);
    return { items, total };
  }

  async usage(id: string, tx: Tx = this.prisma): Promise<AddressUsage> {
    const [customers, contacts, subscriptions, tenants] = await Promise.all([
      tx.customer.count({ where: { addressId: id } }),
      tx.customerContact.count({ where: { addressId: id } }),
      tx.subscription.count({ where: { addressId: id } }),
      tx.tenant.count({ where: { addressId: id } }),
    ]);
    return { customers, contacts, subscriptions, tenants };
  }
}
