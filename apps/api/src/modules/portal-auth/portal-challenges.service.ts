import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { Transaction } from '../../core/database/unit-of-work';
import { JobsService } from '../../core/jobs/jobs.service';
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
}

/** One-time codes: made, kept hashed (and sealed until e-mailed), checked by the auth service. */
@Injectable()
export class PortalChallengesService {
  readonly codes: PortalCodes;

  constructor(
    private readonly repository: PortalAuthRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.codes = new PortalCodes(config.SECRETS_KEY);
  }

  /** Stores a new challenge in `tx`, ending the customer's unused ones of the same purpose; send() it after the commit. */
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
    return { id, expiresAt };
  }

  /** Queues the code's e-mail (the worker sends it, retrying with backoff). */
  async send(challengeId: string, language: 'tr' | 'en', requestId?: string): Promise<void> {
    await this.jobs.enqueue(JobName.SendPortalCode, { challengeId, language, requestId }, codeEmailOptions(this.config, challengeId));
  }
}
