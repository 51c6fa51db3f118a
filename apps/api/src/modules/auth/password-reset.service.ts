import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuditService } from '../../core/audit/audit.service';
import { SessionRevocationService } from '../../core/auth/session-revocation.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { BadInputException, TooManyRequestsException } from '../../core/http/errors';
import { JobOutbox } from '../../core/jobs/job-outbox';
import { JobName } from '../../core/jobs/jobs.types';
import { RedisService } from '../../core/redis/redis.service';
import { SecretBox } from '../../core/secrets/secret-box';
import { deliveryOptions } from '../notifications/notification-delivery.service';
import type { PasswordResetConfirmDto, PasswordResetRequestDto } from './auth.dto';
import { AuthRepository } from './auth.repository';
import type { ClientInfo } from './auth.service';

/** Every link that does not work (unknown, used, voided, expired, its user deactivated) gets this one answer. */
const INVALID_LINK = 'this password-reset link is invalid or has expired';

export const resetTokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The token is kept sealed only until its e-mail is sent (then erased): a database dump alone holds no working link. */
export function resetTokenBox(config: Pick<AppConfig, 'SECRETS_KEY'>): SecretBox {
  return new SecretBox(config.SECRETS_KEY, 'operator-password-reset');
}

/**
 * Operators' forgotten passwords (issue 21): a link by e-mail, 256 random bits stored as their SHA-256,
 * single use, PASSWORD_RESET_TTL_MINUTES long; only the newest link of a user works. Asking answers the
 * same for known, unknown and deactivated addresses; requests are limited per e-mail address and per
 * client address, and a completed reset ends every session of the user.
 */
@Injectable()
export class PasswordResetService implements OnModuleInit {
  private readonly logger = new Logger('auth');
  private perEmail!: RateLimiterRedis;
  private perAddress!: RateLimiterRedis;
  /** Link uses per client address (tokens cannot be guessed, but nothing is evaluated unbounded). */
  private confirmsPerAddress!: RateLimiterRedis;
  private readonly box: SecretBox;

  constructor(
    private readonly auth: AuthRepository,
    private readonly redis: RedisService,
    private readonly outbox: JobOutbox,
    private readonly revocations: SessionRevocationService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = resetTokenBox(config);
  }

  onModuleInit(): void {
    const common = { storeClient: this.redis.client, duration: this.config.PASSWORD_RESET_WINDOW_SECONDS };
    this.perEmail = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('password-reset-email'),
      points: this.config.PASSWORD_RESET_MAX_PER_EMAIL,
    });
    this.perAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('password-reset-address'),
      points: this.config.PASSWORD_RESET_MAX_PER_ADDRESS,
    });
    this.confirmsPerAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('password-reset-confirm-address'),
      points: this.config.PASSWORD_RESET_MAX_PER_ADDRESS,
    });
  }

  /** Sends a link when the address is an active user's; the caller is told nothing either way. */
  async request(input: PasswordResetRequestDto, client: ClientInfo, requestId?: string): Promise<void> {
    const email = input.email.trim().toLowerCase();
    await this.limit([
      [this.perAddress, client.ip ?? 'unknown'],
      [this.perEmail, email],
    ]);
    const user = await this.auth.findResetTarget(email);
    if (!user?.isActive) {
      this.logger.log({ event: 'password_reset.ignored', reason: user ? 'inactive' : 'unknown_email' }, 'password reset not sent');
      return;
    }
    // Not awaited: the answer must not take longer for a known address than for an unknown one. A failure
    // here is logged; the user, told the same as anyone, may ask again.
    void this.issue(user.id, user.notificationSettings?.language ?? input.language ?? 'tr', client, requestId).catch((err: unknown) =>
      this.logger.error({ err, event: 'password_reset.issue_failed' }, 'could not issue a password-reset link'),
    );
  }

  private async issue(userId: string, language: string, client: ClientInfo, requestId?: string): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    // The link's row and the job that e-mails it commit together (the job outbox).
    await this.unitOfWork.run(async (tx) => {
      const resetId = await this.auth.createReset(tx, {
        userId,
        tokenHash: resetTokenHash(token),
        tokenSealed: this.box.seal(token),
        language: language === 'en' ? 'en' : 'tr',
        expiresAt: new Date(now.getTime() + this.config.PASSWORD_RESET_TTL_MINUTES * 60_000),
        ipAddress: client.ip?.slice(0, 64) ?? null,
        now,
      });
      await this.outbox.add(
        tx,
        JobName.SendPasswordResetEmail,
        { resetId, requestId },
        { ...deliveryOptions(this.config), jobId: resetId },
      );
    });
  }

  /** Sets the new password through a working link, ends every session of the user and voids their other links. */
  async confirm(input: PasswordResetConfirmDto, client: ClientInfo): Promise<void> {
    await this.limit([[this.confirmsPerAddress, client.ip ?? 'unknown']]);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    const now = new Date();
    const userId = await this.unitOfWork.run(async (tx) => {
      const reset = await this.auth.claimReset(tx, resetTokenHash(input.token), now);
      // A deactivated user's link is refused like any other (and stays used).
      if (!reset?.user.isActive) return null;
      await this.auth.setPasswordHash(tx, reset.userId, passwordHash);
      await this.auth.revokeUserRefreshTokens(tx, reset.userId, now);
      await this.auth.voidResets(tx, reset.userId, now);
      await this.audit.record(
        { userId: reset.userId },
        {
          action: 'update',
          entityType: 'user',
          entityId: reset.userId,
          tenantId: reset.user.memberships[0]?.tenantId,
          after: { passwordChanged: true, by: 'reset-link', resetId: reset.id },
        },
        tx,
      );
      return reset.userId;
    });
    if (!userId) throw new BadInputException(INVALID_LINK, [{ path: ['token'], message: 'invalid or expired' }]);
    await this.revocations.revokeUser(userId);
  }

  /** Consumes a point of each limiter; 429 with the longest wait when any is spent (a Redis failure is a 500). */
  private async limit(limits: [RateLimiterRedis, string][]): Promise<void> {
    const results = await Promise.allSettled(limits.map(([limiter, key]) => limiter.consume(key)));
    let wait = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      if (!(r.reason instanceof RateLimiterRes)) throw r.reason;
      wait = Math.max(wait, Math.ceil(r.reason.msBeforeNext / 1000), 1);
    }
    if (wait) throw new TooManyRequestsException('too many password-reset requests, try again later', wait);
  }
}
