import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { startsWithText } from '../../core/database/like';
import { foldSearch, searchTextContains, searchTextFirstFieldEquals } from '../../core/database/search';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';
import type { AddressInput } from '../../core/http/address.dto';
import type { ListAddressesQueryDto, UpdateAddressDto } from './addresses.dto';

type Tx = Transaction;

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

  find(id: string, tx?: Tx) {
    return clientOf(this.database, tx).address.findUnique({ where: { id }, include: { tenant: { select: { name: true } } } });
  }

  async page(tenantIds: string[], q: ListAddressesQueryDto, skip: number, take: number) {
    const s = q.search;
    const where: Prisma.AddressWhereInput = {
      tenantId: { in: tenantIds },
      ...(q.city ? { searchText: searchTextFirstFieldEquals(await foldSearch(this.database, q.city)) } : {}),
      ...(s
        ? {
            OR: [
              // City, district, neighbourhood, street and name.
              { searchText: searchTextContains(await foldSearch(this.database, s)) },
              { uavtCode: startsWithText(s) },
              { postalCode: startsWithText(s) },
            ],
          }
        : {}),
    };
    const orderBy: Prisma.AddressOrderByWithRelationInput[] = [
      q.sort === 'createdAt' ? { createdAt: q.order } : { [q.sort]: { sort: q.order, nulls: 'last' } },
      { id: 'asc' },
    ];
    const prisma = this.database.prisma;
    const [items, total] = await Promise.all([
      prisma.address.findMany({ where, orderBy, skip, take, include: { tenant: { select: { name: true } } } }),
      prisma.address.count({ where }),
    ]);
    return { items, total };
  }

  async usage(id: string, tx?: Tx): Promise<AddressUsage> {
    const db = clientOf(this.database, tx);
    const [customers, contacts, subscriptions, tenants] = await Promise.all([
      db.customer.count({ where: { addressId: id } }),
      db.customerContact.count({ where: { addressId: id } }),
      db.subscription.count({ where: { addressId: id } }),
      db.tenant.count({ where: { addressId: id } }),
    ]);
    return { customers, contacts, subscriptions, tenants };
  }

  async create(tenantId: string, input: AddressInput, tx: Tx): Promise<string> {
    const created = await clientOf(this.database, tx).address.create({ data: { ...input, tenantId } });
    return created.id;
  }

  async update(id: string, input: UpdateAddressDto | AddressInput, tx: Tx): Promise<void> {
    await clientOf(this.database, tx).address.update({ where: { id }, data: input });
  }

  async delete(id: string, tx: Tx): Promise<void> {
    await clientOf(this.database, tx).address.delete({ where: { id } });
  }
}
