import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { Transaction } from '../../core/database/unit-of-work';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { JobName } from '../../core/jobs/jobs.types';
import { PortalAuthRepository, type ChallengePurpose } from './portal-auth.repository';
import { newCode, PortalCodes } from './portal-codes';
import { codeEmailOptions } from './portal-mail.service';

export interface ChallengeRequest {
  purpose: ChallengePurpose;
  tenantId: string;
  customerId: string;
  /** The account whose password a reset changes; null for sign-up and invitations. */
  accountId: string | null;
  email: string;
  createdById: string | null;
  /** How long the code works. */
  ttlMs: number;
  /** The e-mail's language. */
  language: 'tr' | 'en';
  requestId?: string;
}

/** One-time codes: made, kept hashed (and sealed until e-mailed), checked by the auth service. */
@Injectable()
export class PortalChallengesService {
  readonly codes: PortalCodes;

  constructor(
    private readonly repository: PortalAuthRepository,
    private readonly outbox: JobOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.codes = new PortalCodes(config.SECRETS_KEY);
  }

  /**
   * Stores a new challenge in `tx`, ending the customer's unused ones of the same purpose, with the job that e-mails
   * its code (the worker sends it, retrying with backoff): both commit, or neither (the job outbox).
   */
  async create(tx: Transaction, r: ChallengeRequest, now: Date): Promise<{ id: string; expiresAt: Date }> {
    const id = randomUUID();
    const code = newCode();
    const expiresAt = new Date(now.getTime() + r.ttlMs);
    await this.repository.supersedeChallenges(tx, r.customerId, r.purpose, now);
    await this.repository.createChallenge(tx, {
      id,
      purpose: r.purpose,
      tenantId: r.tenantId,
      customerId: r.customerId,
      accountId: r.accountId,
      email: r.email,
      codeHash: this.codes.hash(id, code),
      codeSealed: this.codes.seal(code),
      expiresAt,
      createdById: r.createdById,
    });
    await this.outbox.add(
      tx,
      JobName.SendPortalCode,
      { challengeId: id, language: r.language, requestId: r.requestId },
      codeEmailOptions(this.config, id),
    );
    return { id, expiresAt };
  }
}
