import { Inject, Injectable } from '@nestjs/common';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { ConflictException, EntityNotFoundException } from '../../core/http/errors';
import {
  mapPortalAccountState,
  type PortalInvitationDto,
  type PortalInvitationInputDto,
  type PortalAccountStateDto,
} from './portal-auth.dto';
import { PortalAuthRepository } from './portal-auth.repository';
import { PortalChallengesService } from './portal-challenges.service';

/** Operators' side of the portal: a customer's account and invitations, (de)activation. Customers of tenants out of reach are 404. */
@Injectable()
export class PortalAccountsService {
  constructor(
    private readonly repository: PortalAuthRepository,
    private readonly challenges: PortalChallengesService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async state(access: AccessContext, customerId: string): Promise<PortalAccountStateDto> {
    await this.customer(access, customerId, 'read');
    const [account, invitations] = await Promise.all([
      this.repository.accountOfCustomer(customerId),
      this.repository.invitationsOf(customerId),
    ]);
    return mapPortalAccountState(account, invitations);
  }

  /** E-mails the customer a code (and a link to the portal's sign-up) that opens their account. */
  async invite(access: AccessContext, customerId: string, input: PortalInvitationInputDto): Promise<PortalInvitationDto> {
    const customer = await this.customer(access, customerId, 'update');
    if (await this.repository.accountOfCustomer(customerId))
      throw new ConflictException('the customer already has a portal account', [], { code: 'alreadyExists' });
    // E-mail addresses are unique over all tenants' accounts: looked up beyond the caller's scope, answered as a bare conflict.
    if (await asSystem(() => this.repository.accountByEmail(input.email)))
      throw ConflictException.alreadyExists(
        'this email address is used by another portal account',
        ['email'],
        'already used by a portal account',
      );
    const now = new Date();
    const created = await this.unitOfWork.run(async (tx) => {
      const c = await this.challenges.create(
        tx,
        {
          purpose: 'INVITATION',
          tenantId: customer.tenantId,
          customerId,
          accountId: null,
          email: input.email,
          createdById: access.userId,
          ttlMs: this.config.PORTAL_INVITATION_TTL_HOURS * 3_600_000,
          language: input.language ?? 'tr',
          requestId: access.requestId,
        },
        now,
      );
      await this.audit.record(
        access,
        {
          action: 'create',
          entityType: 'portal_invitation',
          entityId: c.id,
          tenantId: customer.tenantId,
          after: { customerId, email: input.email },
        },
        tx,
      );
      return c;
    });
    return { id: created.id, email: input.email, expiresAt: created.expiresAt.toISOString(), emailStatus: 'QUEUED' };
  }

  /** Deactivation signs the customer out everywhere at once (generation bumped, sessions revoked). */
  async setActive(access: AccessContext, customerId: string, isActive: boolean): Promise<void> {
    const customer = await this.customer(access, customerId, 'update');
    const account = await this.repository.accountOfCustomer(customerId);
    if (!account) throw new EntityNotFoundException('portal account of customer', customerId);
    await this.unitOfWork.run(async (tx) => {
      await this.repository.setActive(tx, account.id, isActive);
      if (!isActive) await this.repository.revokeSessions(tx, account.id);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'portal_account',
          entityId: account.id,
          tenantId: customer.tenantId,
          before: { isActive: account.isActive },
          after: { isActive },
        },
        tx,
      );
    });
  }

  /** The customer if the caller may `action` customers of its tenant; 404 when out of sight, 403 when only readable. */
  private async customer(access: AccessContext, id: string, action: 'read' | 'update') {
    const customer = await this.repository.customer(id);
    if (!customer) throw new EntityNotFoundException('customer', id);
    access.require('CUSTOMERS', action, customer.tenantId, 'customer', id);
    return customer;
  }
}
