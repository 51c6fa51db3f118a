import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

export type ChallengePurpose = 'SIGNUP' | 'INVITATION' | 'PASSWORD_RESET';

export interface NewChallenge {
  id: string;
  purpose: ChallengePurpose;
  tenantId: string;
  customerId: string;
  accountId: string | null;
  email: string;
  codeHash: string;
  codeSealed: string;
  expiresAt: Date;
  createdById: string | null;
}

/** Portal accounts, their refresh tokens, one-time code challenges and consent records; no rules here. */
@Injectable()
export class PortalAuthRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  /** The customers of active subscriptions numbered `subscriptionNo` (one per tenant at most), with what sign-up compares. */
  signupCandidates(subscriptionNo: string) {
    return this.database.db
      .selectFrom('subscription as s')
      .innerJoin('customer as c', (j) => j.onRef('c.id', '=', 's.customer_id').onRef('c.tenant_id', '=', 's.tenant_id'))
      .select([
        's.tenant_id',
        'c.id as customer_id',
        'c.tc_id_no',
        'c.tax_id',
        sql<string[]>`array_remove(array[lower(c.email)] || ARRAY(
          SELECT lower(cc.email) FROM customer_contact cc WHERE cc.customer_id = c.id AND cc.email IS NOT NULL), NULL)`.as('emails'),
        sql<boolean>`EXISTS (SELECT 1 FROM portal_account a WHERE a.customer_id = c.id)`.as('has_account'),
      ])
      .where('s.subscription_no', '=', subscriptionNo)
      .where('s.is_active', '=', true)
      .orderBy('s.created_at')
      .limit(10)
      .execute();
  }

  accountByEmail(email: string) {
    return this.prisma.portalAccount.findUnique({
      where: { email },
      select: { id: true, tenantId: true, customerId: true, email: true, passwordHash: true, isActive: true, language: true },
    });
  }

  account(id: string) {
    return this.prisma.portalAccount.findUnique({
      where: { id },
      select: { id: true, tenantId: true, customerId: true, passwordHash: true, isActive: true, sessionGeneration: true },
    });
  }

  /** Ends the unused challenges of a customer for one purpose (a new code replaces them). */
  async supersedeChallenges(tx: Transaction, customerId: string, purpose: ChallengePurpose, now: Date): Promise<void> {
    await clientOf(this.database, tx).portalChallenge.updateMany({
      where: { customerId, purpose, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
  }

  async createChallenge(tx: Transaction, c: NewChallenge): Promise<void> {
    await clientOf(this.database, tx).portalChallenge.create({ data: c });
  }

  /**
   * Counts one try at a live challenge of `purposes` (atomic: concurrent tries each take one of the
   * allowed attempts); the challenge, or undefined when it is unknown, used, expired or out of attempts.
   */
  takeAttempt(id: string, purposes: ChallengePurpose[], maxAttempts: number, now: Date) {
    return this.database.db
      .updateTable('portal_challenge')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('id', '=', id)
      .where('purpose', 'in', purposes)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .returning(['id', 'purpose', 'tenant_id', 'customer_id', 'account_id', 'email', 'code_hash'])
      .executeTakeFirst();
  }

  /** Marks the challenge used if nobody did first; whether this call did. */
  async claimChallenge(tx: Transaction, id: string, now: Date): Promise<boolean> {
    const { count } = await clientOf(this.database, tx).portalChallenge.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: now, codeSealed: null },
    });
    return count === 1;
  }

  async createAccount(
    tx: Transaction,
    a: { tenantId: string; customerId: string; email: string; passwordHash: string; language: string },
  ): Promise<string> {
    const { id } = await clientOf(this.database, tx).portalAccount.create({ data: a, select: { id: true } });
    return id;
  }

  async addConsent(
    tx: Transaction,
    c: {
      accountId: string;
      tenantId: string;
      kind: string;
      version: string;
      granted: boolean;
      ipAddress: string | null;
      userAgent: string | null;
    },
  ): Promise<void> {
    await clientOf(this.database, tx).portalConsent.create({ data: c });
  }

  async setPassword(tx: Transaction | undefined, accountId: string, passwordHash: string, endSessions: boolean): Promise<void> {
    await clientOf(this.database, tx).portalAccount.update({
      where: { id: accountId },
      data: { passwordHash, ...(endSessions ? { sessionGeneration: { increment: 1 } } : {}) },
    });
  }

  async setActive(tx: Transaction, accountId: string, isActive: boolean): Promise<void> {
    await clientOf(this.database, tx).portalAccount.update({
      where: { id: accountId },
      // Deactivation outdates every access token at once (the verifier compares the generation).
      data: { isActive, ...(isActive ? {} : { sessionGeneration: { increment: 1 } }) },
    });
  }

  async setLastLogin(accountId: string, at: Date): Promise<void> {
    await this.prisma.portalAccount.update({ where: { id: accountId }, data: { lastLoginAt: at } });
  }

  async generationOf(accountId: string): Promise<number> {
    const a = await this.prisma.portalAccount.findUniqueOrThrow({ where: { id: accountId }, select: { sessionGeneration: true } });
    return a.sessionGeneration;
  }

  async createRefreshToken(
    t: {
      accountId: string;
      tenantId: string;
      familyId: string;
      tokenHash: string;
      expiresAt: Date;
      userAgent: string | null;
      ipAddress: string | null;
    },
    tx?: Transaction,
  ): Promise<void> {
    await clientOf(this.database, tx).portalRefreshToken.create({ data: t });
  }

  /** Marks the token rotated if it is still usable (atomic: of two concurrent uses only one claims it); whether this call did. */
  async claimRefreshToken(tokenHash: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.portalRefreshToken.updateMany({
      where: { tokenHash, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { rotatedAt: now },
    });
    return count > 0;
  }

  findRefreshToken(tokenHash: string) {
    return this.prisma.portalRefreshToken.findUnique({
      where: { tokenHash },
      include: { account: { select: { isActive: true, tenantId: true } } },
    });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.prisma.portalRefreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  /** Ends every session of the account, or every one but `keepFamilyId`. */
  async revokeSessions(tx: Transaction | undefined, accountId: string, keepFamilyId?: string): Promise<void> {
    await clientOf(this.database, tx).portalRefreshToken.updateMany({
      where: { accountId, revokedAt: null, ...(keepFamilyId ? { familyId: { not: keepFamilyId } } : {}) },
      data: { revokedAt: new Date() },
    });
  }

  /** A customer as the caller's tenant scope shows it (row-level security), or null. */
  customer(id: string) {
    return this.prisma.customer.findUnique({ where: { id }, select: { id: true, tenantId: true } });
  }

  accountOfCustomer(customerId: string) {
    return this.prisma.portalAccount.findUnique({
      where: { customerId },
      select: { id: true, email: true, isActive: true, language: true, createdAt: true, lastLoginAt: true, sessionGeneration: true },
    });
  }

  invitationsOf(customerId: string) {
    return this.prisma.portalChallenge.findMany({
      where: { customerId, purpose: 'INVITATION' },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: { id: true, email: true, createdAt: true, expiresAt: true, usedAt: true, emailStatus: true, emailReason: true },
    });
  }

  /** What the code's e-mail needs: the challenge, its sealed code and the tenant's name. */
  challengeForMail(id: string) {
    return this.prisma.portalChallenge.findUnique({
      where: { id },
      select: {
        id: true,
        purpose: true,
        email: true,
        codeSealed: true,
        expiresAt: true,
        usedAt: true,
        emailStatus: true,
        customer: { select: { tenant: { select: { name: true } } } },
      },
    });
  }

  /** Records one e-mail attempt (or its refusal); the sealed code is erased once it is sent or given up. */
  async markEmail(id: string, o: { status: 'QUEUED' | 'SENT' | 'FAILED'; reason: string | null; attempted: boolean }): Promise<void> {
    await this.prisma.portalChallenge.update({
      where: { id },
      data: {
        emailStatus: o.status,
        emailReason: o.reason?.slice(0, 500) ?? null,
        ...(o.attempted ? { emailAttempts: { increment: 1 } } : {}),
        ...(o.status === 'SENT' ? { sentAt: new Date() } : {}),
        ...(o.status !== 'QUEUED' ? { codeSealed: null } : {}),
      },
    });
  }
}
