import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';
import { matchesSearch } from '../../core/database/search';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

type Tx = Transaction;

const deviceRef = { include: { brand: { select: { name: true } }, profile: { select: { modelCode: true } } } } as const;

export const customerDetailInclude = {
  tenant: { select: { name: true } },
  address: true,
  contacts: { include: { address: true }, orderBy: [{ isPrimary: 'desc' }, { createdAt: 'asc' }] },
  subscriptions: {
    orderBy: { subscriptionNo: 'asc' },
    include: {
      group: true,
      address: true,
      meterHistory: {
        where: { endedAt: null },
        include: { meter: { include: { brand: { select: { name: true } }, profile: { select: { modelCode: true } }, device: deviceRef } } },
      },
    },
  },
  _count: { select: { subscriptions: true } },
} satisfies Prisma.CustomerInclude;
export type CustomerWithDetail = Prisma.CustomerGetPayload<{ include: typeof customerDetailInclude }>;

export interface CustomerListFilter {
  tenantIds: string[];
  type?: 'INDIVIDUAL' | 'ORGANIZATIONAL';
  search?: string;
  sort: 'name' | 'identityNo' | 'createdAt' | 'subscriptions';
  order: 'asc' | 'desc';
  skip: number;
  take: number;
}

@Injectable()
export class CustomersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  findDetail(id: string, tx?: Tx): Promise<CustomerWithDetail | null> {
    return clientOf(this.database, tx).customer.findUnique({ where: { id }, include: customerDetailInclude });
  }

  findBare(id: string, tx?: Tx) {
    return clientOf(this.database, tx).customer.findUnique({
      where: { id },
      include: { contacts: true, subscriptions: { select: { id: true, subscriptionNo: true } } },
    });
  }

  /** Ids of one page of customers, in order, and the total; names are compared as the console shows them. */
  async page(f: CustomerListFilter): Promise<{ ids: string[]; total: number }> {
    if (f.tenantIds.length === 0) return { ids: [], total: 0 };
    const db = this.database.db;
    const display = sql<string>`coalesce(c.organization_name, c.name || ' ' || c.surname)`;
    const base = db
      .selectFrom('customer as c')
      .where('c.tenant_id', 'in', f.tenantIds)
      .$if(Boolean(f.type), (qb) => qb.where('c.customer_type', '=', f.type!))
      .$if(Boolean(f.search), (qb) => {
        const term = f.search!;
        return qb.where((eb) =>
          eb.or([
            // Name, email, TC ID No, tax id and phone.
            matchesSearch('customer', 'c.id', term),
            eb.exists(
              eb
                .selectFrom('subscription as s')
                .select('s.id')
                .whereRef('s.customer_id', '=', 'c.id')
                .where(matchesSearch('subscription', 's.id', term)),
            ),
          ]),
        );
      });
    const subs = sql<number>`(SELECT count(*) FROM subscription s WHERE s.customer_id = c.id)`;
    const sortExpr = { name: display, identityNo: sql`coalesce(c.tc_id_no, c.tax_id)`, createdAt: sql`c.created_at`, subscriptions: subs }[
      f.sort
    ];
    const [rows, count] = await Promise.all([
      base
        .select('c.id')
        .orderBy(sortExpr, (ob) => (f.order === 'desc' ? ob.desc() : ob.asc()).nullsLast())
        .orderBy('c.id')
        .offset(f.skip)
        .limit(f.take)
        .execute(),
      base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { ids: rows.map((r) => r.id), total: Number(count.n) };
  }

  async create(tx: Tx, data: Prisma.CustomerUncheckedCreateInput): Promise<string> {
    return (await clientOf(this.database, tx).customer.create({ data })).id;
  }

  async update(tx: Tx, id: string, data: Prisma.CustomerUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).customer.update({ where: { id }, data });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).customer.delete({ where: { id } });
  }

  async createContact(tx: Tx, data: Prisma.CustomerContactUncheckedCreateInput): Promise<string> {
    return (await clientOf(this.database, tx).customerContact.create({ data })).id;
  }

  async updateContact(tx: Tx, id: string, data: Prisma.CustomerContactUncheckedUpdateInput): Promise<void> {
    await clientOf(this.database, tx).customerContact.update({ where: { id }, data });
  }

  async deleteContact(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).customerContact.delete({ where: { id } });
  }

  findRows(ids: string[]) {
    return this.prisma.customer.findMany({
      where: { id: { in: ids } },
      include: { tenant: { select: { name: true } }, _count: { select: { subscriptions: true } } },
    });
  }

  tcIdTaken(tenantId: string, tcIdNo: string, exceptId: string | null, tx?: Tx) {
    return clientOf(this.database, tx).customer.findFirst({
      where: { tenantId, tcIdNo, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      select: { id: true },
    });
  }
}
