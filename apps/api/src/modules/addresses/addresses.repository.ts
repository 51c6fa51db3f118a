import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../core/database/database.service';
import { likePrefix } from '../../core/database/like';
import { firstFieldEquals, matchesSearch } from '../../core/database/search';
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

  /**
   * One page of addresses and the total. The filters run in Kysely (the search through water_search_ids,
   * which the trigram index serves under row-level security), the rows are read by id through Prisma.
   */
  async page(tenantIds: string[], q: ListAddressesQueryDto, skip: number, take: number) {
    if (tenantIds.length === 0) return { items: [], total: 0 };
    const s = q.search;
    const base = this.database.db
      .selectFrom('address as a')
      .where('a.tenant_id', 'in', tenantIds)
      .$if(Boolean(q.city), (qb) => qb.where(firstFieldEquals('a.search_text', q.city!)))
      .$if(Boolean(s), (qb) =>
        qb.where((eb) =>
          eb.or([
            // City, district, neighbourhood, street and name.
            matchesSearch('address', 'a.id', s!),
            eb('a.uavt_code', 'like', likePrefix(s!)),
            eb('a.postal_code', 'like', likePrefix(s!)),
          ]),
        ),
      );
    const column = { name: 'a.name', city: 'a.city', district: 'a.district', createdAt: 'a.created_at' } as const;
    const [rows, count] = await Promise.all([
      base
        .select('a.id')
        .orderBy(column[q.sort], (ob) => {
          const directed = q.order === 'desc' ? ob.desc() : ob.asc();
          return q.sort === 'createdAt' ? directed : directed.nullsLast();
        })
        .orderBy('a.id')
        .offset(skip)
        .limit(take)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    const ids = rows.map((r) => r.id);
    const found = new Map(
      (await this.database.prisma.address.findMany({ where: { id: { in: ids } }, include: { tenant: { select: { name: true } } } })).map(
        (a) => [a.id, a],
      ),
    );
    return { items: ids.flatMap((id) => found.get(id) ?? []), total: Number(count.n) };
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
