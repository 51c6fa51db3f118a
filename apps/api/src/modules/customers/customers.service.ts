import { Injectable } from '@nestjs/common';
import { isValidTaxId, isValidTcIdNo } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { mapAddress } from '../../core/http/address.dto';
import { BadInputException, ConflictException, EntityNotFoundException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { AddressesService } from '../addresses/addresses.service';
import {
  mapContact,
  mapCustomerRow,
  mapCustomerSubscription,
  type ContactInput,
  type ContactView,
  type CreateCustomerDto,
  type CustomerDetail,
  type CustomerRow,
  type ListCustomersQueryDto,
  type NewCustomerInput,
  type PrimaryContactInput,
  type UpdateContactInput,
  type UpdateCustomerInput,
} from './customers.dto';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { CustomersRepository, type CustomerWithDetail } from './customers.repository';

type Tx = Transaction;

type Path = (string | number)[];

const INDIVIDUAL_ONLY = ['name', 'surname', 'tcIdNo'] as const;
const ORGANIZATIONAL_ONLY = ['organizationName', 'taxId', 'taxOffice', 'contact'] as const;

export interface CustomerReference {
  id: string;
  tenantId: string;
  customerType: 'INDIVIDUAL' | 'ORGANIZATIONAL';
}

/** Customers (brief 2.4): individuals and organisations of one tenant, with their contacts. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly addresses: AddressesService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListCustomersQueryDto): Promise<Page<CustomerRow>> {
    const tenantIds = access.tenantIds('CUSTOMERS', 'read', q.tenantId);
    const { skip, take } = skipTake(q);
    const { ids, total } = await this.customers.page({
      tenantIds,
      type: q.type,
      search: q.search,
      sort: q.sort,
      order: q.order,
      skip,
      take,
    });
    const rows = new Map((await this.customers.findRows(ids)).map((c) => [c.id, c]));
    return { items: ids.map((id) => mapCustomerRow(rows.get(id)!)), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<CustomerDetail> {
    const customer = await this.customers.findDetail(id);
    if (!customer) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', 'read', customer.tenantId, 'customer', id);
    return mapDetail(customer);
  }

  /** A customer another form refers to (a subscription's "select from existing"): visible or 404. */
  async reference(access: AccessContext, id: string, tx?: Tx): Promise<CustomerReference> {
    const customer = await this.customers.findBare(id, tx);
    if (!customer || !access.canSee(customer.tenantId)) throw new EntityNotFoundException('customer', id);
    return { id: customer.id, tenantId: customer.tenantId, customerType: customer.customerType };
  }

  async create(access: AccessContext, input: CreateCustomerDto): Promise<CustomerDetail> {
    const { tenantId, ...customer } = input;
    access.require('CUSTOMERS', 'create', tenantId);
    const id = await this.unitOfWork.run((tx) => this.createInTx(access, tx, tenantId, customer as NewCustomerInput, []));
    return this.detail(access, id);
  }

  /**
   * Creates a customer inside the caller's transaction (also used by the subscription form's
   * "create new"); `path` prefixes field paths of errors. The caller has checked the rights.
   */
  async createInTx(
    access: AccessContext,
    tx: Tx,
    tenantId: string,
    input: NewCustomerInput,
    path: Path,
    fallbackAddressId: string | null = null,
  ): Promise<string> {
    checkIdentity(input, null, path);
    input.contacts?.forEach((c, i) => checkIdentity(c, null, [...path, 'contacts', i]));
    if (input.type === 'ORGANIZATIONAL') checkIdentity(input.contact, null, [...path, 'contact']);
    if (input.type === 'INDIVIDUAL') await this.checkTcUnique(tx, tenantId, input.tcIdNo, null, path);

    const addressId = (await this.addresses.resolve(access, tx, tenantId, input, path)) ?? fallbackAddressId;
    const fields =
      input.type === 'INDIVIDUAL'
        ? { name: input.name, surname: input.surname, tcIdNo: input.tcIdNo, phone: input.phone ?? null, email: input.email ?? null }
        : {
            organizationName: input.organizationName,
            taxId: input.taxId,
            taxOffice: input.taxOffice ?? null,
            phone: input.phone ?? null,
            email: input.email ?? null,
          };
    const customerId = await this.customers.create(tx, { tenantId, customerType: input.type, addressId, ...fields });
    if (input.type === 'ORGANIZATIONAL')
      await this.createContact(access, tx, customerId, tenantId, input.contact, true, [...path, 'contact']);
    for (const [i, c] of (input.contacts ?? []).entries())
      await this.createContact(access, tx, customerId, tenantId, c, false, [...path, 'contacts', i]);
    await this.audit.record(access, { action: 'create', entityType: 'customer', entityId: customerId, tenantId, after: input }, tx);
    return customerId;
  }

  async update(access: AccessContext, id: string, input: UpdateCustomerInput): Promise<CustomerDetail> {
    const before = await this.customers.findBare(id);
    if (!before) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', 'update', before.tenantId, 'customer', id);
    if (input.type && input.type !== before.customerType) {
      throw new BadInputException('the customer type cannot change', [
        { path: ['type'], message: `the customer is ${before.customerType.toLowerCase()}` },
      ]);
    }
    const individual = before.customerType === 'INDIVIDUAL';
    for (const key of individual ? ORGANIZATIONAL_ONLY : INDIVIDUAL_ONLY) {
      if (input[key] !== undefined) {
        throw new BadInputException(`${key} is not a field of an ${before.customerType.toLowerCase()} customer`, [
          { path: [key], message: `not a field of an ${before.customerType.toLowerCase()} customer` },
        ]);
      }
    }
    if (individual && input.tcIdNo === null)
      throw new BadInputException('an individual customer needs a TC ID No', [{ path: ['tcIdNo'], message: 'required' }]);
    checkIdentity(input, before, []);
    if (input.contact) checkIdentity(input.contact, before.contacts.find((c) => c.isPrimary) ?? null, ['contact']);

    await this.unitOfWork.run(async (tx) => {
      if (input.tcIdNo && input.tcIdNo !== before.tcIdNo) await this.checkTcUnique(tx, before.tenantId, input.tcIdNo, id, []);
      const addressId = await this.addresses.replace(access, tx, before.tenantId, before.addressId, input);
      const { type: _t, contact, addressId: _a, address: _b, ...fields } = input;
      await this.customers.update(tx, id, { ...fields, ...(addressId !== undefined ? { addressId } : {}) });
      if (contact) {
        const primary = before.contacts.find((c) => c.isPrimary);
        if (primary) await this.customers.updateContact(tx, primary.id, contact);
        else {
          if (!contact.name || !contact.surname)
            throw new BadInputException('the contact person needs a name and surname', [
              { path: ['contact', contact.name ? 'surname' : 'name'], message: 'required' },
            ]);
          await this.createContact(access, tx, id, before.tenantId, contact as PrimaryContactInput, true, ['contact']);
        }
      }
      if (addressId !== undefined && addressId !== before.addressId) await this.addresses.deleteIfUnused(access, tx, before.addressId);
      const { contacts: _c, subscriptions: _s, ...snapshot } = before;
      await this.audit.record(
        access,
        { action: 'update', entityType: 'customer', entityId: id, tenantId: before.tenantId, before: snapshot, after: input },
        tx,
      );
    });
    return this.detail(access, id);
  }

  /** Refused while the customer holds subscriptions: they are named so the operator can act on them. */
  async remove(access: AccessContext, id: string): Promise<void> {
    const before = await this.customers.findBare(id);
    if (!before) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', 'delete', before.tenantId, 'customer', id);
    if (before.subscriptions.length) {
      const nos = before.subscriptions.map((s) => s.subscriptionNo).sort();
      throw new ConflictException(
        `the customer still holds ${nos.length} subscription(s): ${nos.slice(0, 10).join(', ')}${nos.length > 10 ? ` and ${nos.length - 10} more` : ''}; delete or transfer them first`,
        nos.map((no, i) => ({ path: ['subscriptions', i], message: no })),
        { code: 'inUse', params: { subscription: nos.length } },
      );
    }
    await this.unitOfWork.run(async (tx) => {
      await this.customers.delete(tx, id);
      for (const addressId of new Set([before.addressId, ...before.contacts.map((c) => c.addressId)]))
        await this.addresses.deleteIfUnused(access, tx, addressId);
      await this.audit.record(access, { action: 'delete', entityType: 'customer', entityId: id, tenantId: before.tenantId, before }, tx);
    });
  }

  async addContact(access: AccessContext, customerId: string, input: ContactInput): Promise<ContactView> {
    const customer = await this.customers.findBare(customerId);
    if (!customer) throw new EntityNotFoundException('customer', customerId);
    access.require('CUSTOMERS', 'update', customer.tenantId, 'customer', customerId);
    checkIdentity(input, null, []);
    const contactId = await this.unitOfWork.run((tx) => this.createContact(access, tx, customerId, customer.tenantId, input, false, []));
    return this.contact(customerId, contactId);
  }

  async updateContact(access: AccessContext, customerId: string, contactId: string, input: UpdateContactInput): Promise<ContactView> {
    const customer = await this.customers.findBare(customerId);
    if (!customer) throw new EntityNotFoundException('customer', customerId);
    access.require('CUSTOMERS', 'update', customer.tenantId, 'customer', customerId);
    const before = customer.contacts.find((c) => c.id === contactId);
    if (!before) throw new EntityNotFoundException('contact', contactId);
    checkIdentity(input, before, []);
    await this.unitOfWork.run(async (tx) => {
      const addressId = await this.addresses.replace(access, tx, customer.tenantId, before.addressId, input);
      const { addressId: _a, address: _b, ...fields } = input;
      await this.customers.updateContact(tx, contactId, { ...fields, ...(addressId !== undefined ? { addressId } : {}) });
      if (addressId !== undefined && addressId !== before.addressId) await this.addresses.deleteIfUnused(access, tx, before.addressId);
      await this.audit.record(
        access,
        { action: 'update', entityType: 'customer_contact', entityId: contactId, tenantId: customer.tenantId, before, after: input },
        tx,
      );
    });
    return this.contact(customerId, contactId);
  }

  async removeContact(access: AccessContext, customerId: string, contactId: string): Promise<void> {
    const customer = await this.customers.findBare(customerId);
    if (!customer) throw new EntityNotFoundException('customer', customerId);
    access.require('CUSTOMERS', 'update', customer.tenantId, 'customer', customerId);
    const before = customer.contacts.find((c) => c.id === contactId);
    if (!before) throw new EntityNotFoundException('contact', contactId);
    if (before.isPrimary && customer.customerType === 'ORGANIZATIONAL') {
      throw new ConflictException('an organisation keeps its contact person; change it instead of deleting it', [], {
        code: 'contactKept',
      });
    }
    await this.unitOfWork.run(async (tx) => {
      await this.customers.deleteContact(tx, contactId);
      await this.addresses.deleteIfUnused(access, tx, before.addressId);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'customer_contact', entityId: contactId, tenantId: customer.tenantId, before },
        tx,
      );
    });
  }

  private async contact(customerId: string, contactId: string): Promise<ContactView> {
    const customer = await this.customers.findDetail(customerId);
    const contact = customer?.contacts.find((c) => c.id === contactId);
    if (!contact) throw new EntityNotFoundException('contact', contactId);
    return mapContact(contact);
  }

  private async createContact(
    access: AccessContext,
    tx: Tx,
    customerId: string,
    tenantId: string,
    input: ContactInput | PrimaryContactInput,
    isPrimary: boolean,
    path: Path,
  ): Promise<string> {
    const addressId =
      'address' in input || 'addressId' in input ? await this.addresses.resolve(access, tx, tenantId, input, path) : undefined;
    const { addressId: _a, address: _b, ...fields } = input as ContactInput;
    const contactId = await this.customers.createContact(tx, { ...fields, customerId, isPrimary, addressId: addressId ?? null });
    // The contact person of an organisation is part of the customer's own audit entry.
    if (!isPrimary)
      await this.audit.record(
        access,
        { action: 'create', entityType: 'customer_contact', entityId: contactId, tenantId, after: { customerId, ...input } },
        tx,
      );
    return contactId;
  }

  private async checkTcUnique(tx: Tx, tenantId: string, tcIdNo: string, exceptId: string | null, path: Path): Promise<void> {
    if (await this.customers.tcIdTaken(tenantId, tcIdNo, exceptId, tx)) {
      throw ConflictException.alreadyExists(
        'a customer with this TC ID No already exists in the tenant',
        [...path, 'tcIdNo'],
        'already registered',
      );
    }
  }
}

/** Check digits are verified for new or changed numbers only, so legacy records stay editable (BRIEF-NOTES). */
function checkIdentity(
  input: { tcIdNo?: string | null; taxId?: string | null },
  before: { tcIdNo?: string | null; taxId?: string | null } | null,
  path: Path,
): void {
  if (input.tcIdNo && input.tcIdNo !== before?.tcIdNo && !isValidTcIdNo(input.tcIdNo)) {
    throw new BadInputException('invalid TC ID No', [{ path: [...path, 'tcIdNo'], message: 'check digits do not match' }]);
  }
  if (input.taxId && input.taxId !== before?.taxId && !isValidTaxId(input.taxId)) {
    throw new BadInputException('invalid tax id', [
      { path: [...path, 'taxId'], message: 'check digit does not match (10-digit VKN or 11-digit TC ID No)' },
    ]);
  }
}

function mapDetail(c: CustomerWithDetail): CustomerDetail {
  const addresses = new Map<string, { address: NonNullable<CustomerWithDetail['address']>; usedBy: string[] }>();
  const use = (a: CustomerWithDetail['address'], by: string) => {
    if (!a) return;
    const entry = addresses.get(a.id) ?? { address: a, usedBy: [] };
    entry.usedBy.push(by);
    addresses.set(a.id, entry);
  };
  use(c.address, 'customer');
  for (const s of c.subscriptions) use(s.address, `subscription:${s.subscriptionNo}`);
  for (const k of c.contacts) use(k.address, `contact:${k.id}`);
  const primary = c.customerType === 'ORGANIZATIONAL' ? c.contacts.find((k) => k.isPrimary) : undefined;
  return {
    ...mapCustomerRow(c),
    taxOffice: c.taxOffice,
    address: c.address ? mapAddress(c.address) : null,
    contact: primary ? mapContact(primary) : null,
    contacts: c.contacts.filter((k) => k !== primary).map(mapContact),
    addresses: [...addresses.values()].map((e) => ({ ...mapAddress(e.address), usedBy: e.usedBy })),
    subscriptions: c.subscriptions.map(mapCustomerSubscription),
  };
}
