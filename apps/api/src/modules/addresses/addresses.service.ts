import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { mapAddress, type AddressInput } from '../../core/http/address.dto';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import type { AddressDetail, AddressRef, AddressRow, CreateAddressDto, ListAddressesQueryDto, UpdateAddressDto } from './addresses.dto';
import { mapAddressRow } from './addresses.dto';
import { AddressesRepository, type Tx } from './addresses.repository';
import { containsText, equalsText, startsWithText } from '../../core/http/like';

/**
 * Addresses (brief 1.14.1) belong to a tenant. Rights follow the customers module, whose forms
 * they serve; customer and subscription forms also embed them through `resolve()`.
 */
@Injectable()
export class AddressesService {
  constructor(
    private readonly addresses: AddressesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(access: AccessContext, q: ListAddressesQueryDto): Promise<Page<AddressRow>> {
    const tenantIds = access.tenantIds('CUSTOMERS', 'read', q.tenantId);
    const s = q.search;
    const where: Prisma.AddressWhereInput = {
      tenantId: { in: tenantIds },
      ...(q.city ? { city: equalsText(q.city) } : {}),
      ...(s
        ? {
            OR: [
              { name: containsText(s) },
              { city: containsText(s) },
              { district: containsText(s) },
              { neighborhood: containsText(s) },
              { street: containsText(s) },
              { uavtCode: startsWithText(s) },
              { postalCode: startsWithText(s) },
            ],
          }
        : {}),
    };
    const orderBy: Prisma.AddressOrderByWithRelationInput[] = [q.sort === 'createdAt' ? { createdAt: q.order } : { [q.sort]: { sort: q.order, nulls: 'last' } }, { id: 'asc' }];
    const { skip, take } = skipTake(q);
    const { items, total } = await this.addresses.page(where, orderBy, skip, take);
    return { items: items.map(mapAddressRow), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<AddressDetail> {
    const address = await this.addresses.find(id);
    if (!address) throw new EntityNotFoundException('address', id);
    access.require('CUSTOMERS', 'read', address.tenantId, 'address', id);
    return { ...mapAddressRow(address), usage: await this.addresses.usage(id) };
  }

  async create(access: AccessContext, input: CreateAddressDto): Promise<AddressDetail> {
    const { tenantId, ...fields } = input;
    access.require('CUSTOMERS', 'create', tenantId);
    const id = await this.addresses.prisma.$transaction(async (tx) => {
      const created = await tx.address.create({ data: { ...fields, tenantId } });
      await this.audit.record(access, { action: 'create', entityType: 'address', entityId: created.id, tenantId, after: input }, tx);
      return created.id;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateAddressDto): Promise<AddressDetail> {
    const before = await this.addresses.find(id);
    if (!before) throw new EntityNotFoundException('address', id);
    access.require('CUSTOMERS', 'update', before.tenantId, 'address', id);
    await this.addresses.prisma.$transaction(async (tx) => {
      await tx.address.update({ where: { id }, data: input });
      await this.audit.record(access, { action: 'update', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before), after: input }, tx);
    });
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.addresses.find(id);
    if (!before) throw new EntityNotFoundException('address', id);
    access.require('CUSTOMERS', 'delete', before.tenantId, 'address', id);
    await this.addresses.prisma.$transaction(async (tx) => {
      const usage = await this.addresses.usage(id, tx);
      const users = Object.entries(usage).filter(([, n]) => n > 0);
      if (users.length) {
        throw new ConflictException(
          `the address is still used by ${users.map(([k, n]) => `${n} ${k}`).join(', ')}`,
          users.map(([k, n]) => ({ path: [k], message: `${n} uses this address` })),
        );
      }
      await tx.address.delete({ where: { id } });
      await this.audit.record(access, { action: 'delete', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before) }, tx);
    });
  }

  /**
   * Turns an embedded address reference into an address id of `tenantId`: undefined when the form
   * did not mention the address, null when it cleared it. An existing address must belong to the
   * same tenant (404 when its tenant is invisible to the caller, 400 otherwise).
   */
  async resolve(access: AccessContext, tx: Tx, tenantId: string, ref: AddressRef, path: (string | number)[] = []): Promise<string | null | undefined> {
    if (ref.addressId && ref.address) {
      throw new BadInputException('give either addressId or address, not both', [{ path: [...path, 'address'], message: 'addressId is given too' }]);
    }
    if (ref.addressId) {
      await this.requireOfTenant(access, tx, tenantId, ref.addressId, [...path, 'addressId']);
      return ref.addressId;
    }
    if (ref.address) return this.createInline(access, tx, tenantId, ref.address);
    if (ref.addressId === null || ref.address === null) return null;
    return undefined;
  }

  /**
   * Like `resolve()` for an update: an inline address edits the current address in place when
   * nothing else uses it, and otherwise becomes a new address so other records keep theirs.
   */
  async replace(access: AccessContext, tx: Tx, tenantId: string, currentId: string | null, ref: AddressRef, path: (string | number)[] = []): Promise<string | null | undefined> {
    if (ref.address && !ref.addressId && currentId) {
      const usage = await this.addresses.usage(currentId, tx);
      if (usage.customers + usage.contacts + usage.subscriptions + usage.tenants <= 1) {
        await tx.address.update({ where: { id: currentId }, data: ref.address });
        await this.audit.record(access, { action: 'update', entityType: 'address', entityId: currentId, tenantId, after: ref.address }, tx);
        return currentId;
      }
    }
    return this.resolve(access, tx, tenantId, ref, path);
  }

  /** Deletes an address nobody refers to any more (after its owner let go of it). */
  async deleteIfUnused(access: AccessContext, tx: Tx, id: string | null | undefined): Promise<void> {
    if (!id) return;
    const usage = await this.addresses.usage(id, tx);
    if (usage.customers + usage.contacts + usage.subscriptions + usage.tenants > 0) return;
    const before = await this.addresses.find(id, tx);
    if (!before) return;
    await tx.address.delete({ where: { id } });
    await this.audit.record(access, { action: 'delete', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before) }, tx);
  }

  async requireOfTenant(access: AccessContext, tx: Tx, tenantId: string, addressId: string, path: (string | number)[]): Promise<void> {
    const address = await this.addresses.find(addressId, tx);
    if (!address || !access.canSee(address.tenantId)) throw new EntityNotFoundException('address', addressId);
    if (address.tenantId !== tenantId) throw new BadInputException('the address belongs to another tenant', [{ path, message: 'not an address of this tenant' }]);
  }

  private async createInline(access: AccessContext, tx: Tx, tenantId: string, input: AddressInput): Promise<string> {
    const created = await tx.address.create({ data: { ...input, tenantId } });
    await this.audit.record(access, { action: 'create', entityType: 'address', entityId: created.id, tenantId, after: input }, tx);
    return created.id;
  }
}

function strip(a: { tenant?: unknown } & Record<string, unknown>) {
  const { tenant: _t, ...rest } = a;
  return { ...rest, ...mapAddress(a as never) };
}
