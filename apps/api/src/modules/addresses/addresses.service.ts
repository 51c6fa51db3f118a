import { Injectable } from '@nestjs/common';
import type { InUseNoun } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { mapAddress, type AddressInput } from '../../core/http/address.dto';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import type { AddressDetail, AddressRef, AddressRow, CreateAddressDto, ListAddressesQueryDto, UpdateAddressDto } from './addresses.dto';
import { mapAddressRow } from './addresses.dto';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { AddressesRepository, type AddressUsage } from './addresses.repository';

/** What still uses an address, as the `inUse` reason's nouns. */
const ADDRESS_USER_NOUNS: Record<keyof AddressUsage, InUseNoun> = {
  customers: 'customer',
  contacts: 'contact',
  subscriptions: 'subscription',
  tenants: 'tenant',
};

type Tx = Transaction;

/**
 * Addresses (brief 1.14.1) belong to a tenant. Rights follow the customers module, whose forms
 * they serve; customer and subscription forms also embed them through `resolve()`.
 */
@Injectable()
export class AddressesService {
  constructor(
    private readonly addresses: AddressesRepository,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListAddressesQueryDto): Promise<Page<AddressRow>> {
    const tenantIds = access.tenantIds('CUSTOMERS', 'read', q.tenantId);
    const { skip, take } = skipTake(q);
    const { items, total } = await this.addresses.page(tenantIds, q, skip, take);
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
    const id = await this.unitOfWork.run(async (tx) => {
      const createdId = await this.addresses.create(tenantId, fields, tx);
      await this.audit.record(access, { action: 'create', entityType: 'address', entityId: createdId, tenantId, after: input }, tx);
      return createdId;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateAddressDto): Promise<AddressDetail> {
    const before = await this.addresses.find(id);
    if (!before) throw new EntityNotFoundException('address', id);
    access.require('CUSTOMERS', 'update', before.tenantId, 'address', id);
    await this.unitOfWork.run(async (tx) => {
      await this.addresses.update(id, input, tx);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before), after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.addresses.find(id);
    if (!before) throw new EntityNotFoundException('address', id);
    access.require('CUSTOMERS', 'delete', before.tenantId, 'address', id);
    await this.unitOfWork.run(async (tx) => {
      const usage = await this.addresses.usage(id, tx);
      const users = Object.entries(usage).filter(([, n]) => n > 0);
      if (users.length) {
        throw new ConflictException(
          `the address is still used by ${users.map(([k, n]) => `${n} ${k}`).join(', ')}`,
          users.map(([k, n]) => ({ path: [k], message: `${n} uses this address` })),
          { code: 'inUse', params: Object.fromEntries(users.map(([k, n]) => [ADDRESS_USER_NOUNS[k as keyof AddressUsage], n])) },
        );
      }
      await this.addresses.delete(id, tx);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before) },
        tx,
      );
    });
  }

  /**
   * Turns an embedded address reference into an address id of `tenantId`: undefined when the form
   * did not mention the address, null when it cleared it. An existing address must belong to the
   * same tenant (404 when its tenant is invisible to the caller, 400 otherwise).
   */
  async resolve(
    access: AccessContext,
    tx: Tx,
    tenantId: string,
    ref: AddressRef,
    path: (string | number)[] = [],
  ): Promise<string | null | undefined> {
    if (ref.addressId && ref.address) {
      throw new BadInputException('give either addressId or address, not both', [
        { path: [...path, 'address'], message: 'addressId is given too' },
      ]);
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
  async replace(
    access: AccessContext,
    tx: Tx,
    tenantId: string,
    currentId: string | null,
    ref: AddressRef,
    path: (string | number)[] = [],
  ): Promise<string | null | undefined> {
    if (ref.address && !ref.addressId && currentId) {
      const usage = await this.addresses.usage(currentId, tx);
      if (usage.customers + usage.contacts + usage.subscriptions + usage.tenants <= 1) {
        await this.addresses.update(currentId, ref.address, tx);
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
    await this.addresses.delete(id, tx);
    await this.audit.record(
      access,
      { action: 'delete', entityType: 'address', entityId: id, tenantId: before.tenantId, before: strip(before) },
      tx,
    );
  }

  async requireOfTenant(access: AccessContext, tx: Tx, tenantId: string, addressId: string, path: (string | number)[]): Promise<void> {
    const address = await this.addresses.find(addressId, tx);
    if (!address || !access.canSee(address.tenantId)) throw new EntityNotFoundException('address', addressId);
    if (address.tenantId !== tenantId)
      throw new BadInputException('the address belongs to another tenant', [{ path, message: 'not an address of this tenant' }]);
  }

  private async createInline(access: AccessContext, tx: Tx, tenantId: string, input: AddressInput): Promise<string> {
    const createdId = await this.addresses.create(tenantId, input, tx);
    await this.audit.record(access, { action: 'create', entityType: 'address', entityId: createdId, tenantId, after: input }, tx);
    return createdId;
  }
}

function strip(a: { tenant?: unknown } & Record<string, unknown>) {
  const { tenant: _t, ...rest } = a;
  return { ...rest, ...mapAddress(a as never) };
}
