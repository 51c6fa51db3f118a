import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AccessService } from '../../core/access/access.service';
import type { AccessContext } from '../../core/access/access-context';
import { AuditService } from '../../core/audit/audit.service';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { accessTokenKey, JWT_AUDIENCE, JWT_ISSUER } from '../../core/auth/jwt.strategy';
import { SessionRevocationService } from '../../core/auth/session-revocation.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { BadInputException, NotAuthenticatedException, TooManyRequestsException } from '../../core/http/errors';
import { RedisService } from '../../core/redis/redis.service';
import { mapMe, type ChangePasswordDto, type UpdateProfileDto } from './auth.dto';
import { AuthRepository } from './auth.repository';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const BAD_CREDENTIALS = 'invalid email or password';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

@Injectable()
export class AuthService implements OnModuleInit {
  private readonly logger = new Logger('auth');
  /** Attempts per account in the window; over it the account is blocked (see blockAccount). */
  private perAccount!: RateLimiterRedis;
  /** Attempts per client address in the window; successful ones are given back. */
  private perAddress!: RateLimiterRedis;
  /** How many times an account was blocked recently: each block lasts twice the previous one. */
  private accountBlocks!: RateLimiterRedis;
  /** Current-password checks per user in the login window: a stolen session cannot guess the password. */
  private passwordChecks!: RateLimiterRedis;
  /** Verified when the email is unknown, so both answers take the same time. */
  private dummyHash!: string;

  constructor(
    private readonly auth: AuthRepository,
    private readonly redis: RedisService,
    private readonly jwt: JwtService,
    private readonly access: AccessService,
    private readonly revocations: SessionRevocationService,
    private readonly audit: AuditService,
    private readonly unitOfWork: UnitOfWork,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const common = { storeClient: this.redis.client, duration: this.config.LOGIN_WINDOW_SECONDS };
    this.perAccount = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('login-account'),
      points: this.config.LOGIN_MAX_PER_ACCOUNT,
    });
    this.perAddress = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('login-address'),
      points: this.config.LOGIN_MAX_PER_ADDRESS,
    });
    this.accountBlocks = new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix: this.redis.key('login-account-blocks'),
      points: Number.MAX_SAFE_INTEGER,
      duration: 2 * this.config.LOGIN_BLOCK_MAX_SECONDS,
    });
    this.passwordChecks = new RateLimiterRedis({
      ...common,
      keyPrefix: this.redis.key('password-change-user'),
      points: this.config.LOGIN_MAX_PER_ACCOUNT,
    });
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  }

  async login(emailInput: string, password: string, client: ClientInfo): Promise<TokenPair> {
    const email = emailInput.trim().toLowerCase();
    const address = client.ip ?? 'unknown';
    // Every attempt is counted before the password is looked at, by an atomic increment in Redis:
    // of any number of concurrent guesses, at most LOGIN_MAX_PER_ACCOUNT (per account) and
    // LOGIN_MAX_PER_ADDRESS (per address) are ever evaluated in a window.
    const blocked = await this.countAttempt(email, address);
    if (blocked) {
      await this.recordLogin(null, email, false, 'rate_limited', client);
      throw new TooManyRequestsException('too many login attempts, try again later', blocked);
    }

    const user = await this.auth.findCredentials(email);
    const passwordOk = await argon2.verify(user?.passwordHash ?? this.dummyHash, password).catch(() => false);
    if (!user || !passwordOk || !user.isActive) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'bad_password' : 'inactive';
      // The attempt stays counted against the account and the address.
      await this.recordLogin(user?.id ?? null, email, false, reason, client);
      throw new NotAuthenticatedException(BAD_CREDENTIALS);
    }

    // A success clears the account's count and back-off, and gives the address its point back.
    await Promise.all([this.accountBlocks.delete(email), this.perAddress.reward(address, 1)]);
    await this.perAccount.delete(email);
    const now = new Date();
    await Promise.all([this.auth.setLastLogin(user.id, now), this.recordLogin(user.id, email, true, null, client)]);
    return this.issue(user.id, randomUUID(), client);
  }

  /** Rotates the refresh token. Presenting a token that was already rotated revokes its whole family. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    const hash = sha256(refreshToken);
    const now = new Date();
    // Claim the token atomically: of two concurrent uses only one can rotate it.
    const claimed = await this.auth.claimRefreshToken(hash, now);
    const token = await this.auth.findRefreshToken(hash);
    if (!token) throw new NotAuthenticatedException('unknown refresh token');
    if (!claimed) {
      if (token.rotatedAt || token.revokedAt) {
        await this.revokeFamily(token.familyId);
        throw new NotAuthenticatedException('refresh token was already used; the session has been ended');
      }
      throw new NotAuthenticatedException('refresh token expired');
    }
    if (!token.user.isActive) {
      await this.revokeFamily(token.familyId);
      throw new NotAuthenticatedException('user is inactive');
    }
    return this.issue(token.userId, token.familyId, client);
  }

  async logout(refreshToken: string): Promise<void> {
    const token = await this.auth.findRefreshToken(sha256(refreshToken));
    if (token) await this.revokeFamily(token.familyId);
  }

  async me(access: AccessContext) {
    const user = await this.auth.findProfile(access.userId);
    return mapMe(user, access);
  }

  /** The user's own name, surname, phone and language. */
  async updateProfile(access: AccessContext, input: UpdateProfileDto) {
    const before = await this.auth.findProfile(access.userId);
    await this.unitOfWork.run(async (tx) => {
      await this.auth.updateProfile(tx, access.userId, input);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'user',
          entityId: access.userId,
          tenantId: before.firstTenantId ?? undefined,
          before: { name: before.name, surname: before.surname, phone: before.phone, language: before.language },
          after: input,
        },
        tx,
      );
    });
    return this.me(access);
  }

  /**
   * Changes the user's own password after checking the current one (counted per user, 429 past
   * LOGIN_MAX_PER_ACCOUNT in the window). Every session of the user ends, on every node; this one goes
   * on with the new pair returned (same session id), so the browser that changed it stays signed in.
   */
  async changePassword(access: AccessContext, input: ChangePasswordDto, client: ClientInfo): Promise<TokenPair> {
    try {
      await this.passwordChecks.consume(access.userId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      throw new TooManyRequestsException('too many password checks, try again later', Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    }
    const { passwordHash } = await this.auth.findPasswordHash(access.userId);
    if (!(await argon2.verify(passwordHash, input.currentPassword).catch(() => false)))
      throw new BadInputException('the current password is wrong', [{ path: ['currentPassword'], message: 'wrong password' }]);
    await this.passwordChecks.delete(access.userId);
    const newHash = await argon2.hash(input.newPassword, { type: argon2.argon2id });
    const profile = await this.auth.findProfile(access.userId);
    await this.unitOfWork.run(async (tx) => {
      await this.auth.setPasswordHash(tx, access.userId, newHash);
      await this.auth.revokeUserRefreshTokens(tx, access.userId, new Date());
      await this.auth.voidResets(tx, access.userId, new Date());
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'user',
          entityId: access.userId,
          tenantId: profile.firstTenantId ?? undefined,
          after: { passwordChanged: true, by: 'self' },
        },
        tx,
      );
    });
    await this.revocations.revokeUser(access.userId);
    return this.issue(access.userId, access.sessionId, client);
  }

  private async issue(userId: string, familyId: string, client: ClientInfo): Promise<TokenPair> {
    const now = Date.now();
    const accessExpires = new Date(now + this.config.JWT_ACCESS_TTL_SECONDS * 1000);
    const refreshExpires = new Date(now + this.config.JWT_REFRESH_TTL_DAYS * 86_400_000);
    // The user's current session generation: a later password change or deactivation outdates the token.
    const gen = await this.revocations.generationOf(userId);
    const accessToken = await this.jwt.signAsync(
      { sub: userId, sid: familyId, gen },
      {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithm: 'HS256',
        expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
      },
    );
    const refreshToken = randomBytes(32).toString('base64url');
    await this.auth.createRefreshToken({
      userId,
      familyId,
      tokenHash: sha256(refreshToken),
      expiresAt: refreshExpires,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
      ipAddress: client.ip?.slice(0, 64) ?? null,
    });
    return {
      accessToken,
      accessTokenExpiresAt: accessExpires.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpires.toISOString(),
    };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.auth.revokeFamily(familyId);
    await this.revocations.revoke(familyId);
  }

  /**
   * Consumes one attempt of the account and one of the address; the seconds to wait when either is
   * over its limit (the attempt must then not be evaluated), else 0. The one request that first
   * exceeds an account's limit blocks the account, for longer each time (blockAccount).
   */
  private async countAttempt(email: string, address: string): Promise<number> {
    const [account, origin] = await Promise.allSettled([this.perAccount.consume(email), this.perAddress.consume(address)]);
    // A Redis failure is not a refusal of the limiter: fail closed (500), never evaluate uncounted.
    for (const r of [account, origin]) if (r.status === 'rejected' && !(r.reason instanceof RateLimiterRes)) throw r.reason;
    if (account.status === 'fulfilled' && origin.status === 'fulfilled') return 0;
    const wait = (r: PromiseSettledResult<RateLimiterRes>) =>
      r.status === 'rejected' ? Math.ceil((r.reason as RateLimiterRes).msBeforeNext / 1000) : 0;
    let seconds = Math.max(wait(account), wait(origin), 1);
    if (account.status === 'rejected') {
      if ((account.reason as RateLimiterRes).consumedPoints === this.config.LOGIN_MAX_PER_ACCOUNT + 1) {
        seconds = Math.max(seconds, await this.blockAccount(email, address));
      }
    } else {
      // Refused for its address only: not an attempt on the account, which gets its point back.
      await this.perAccount.reward(email, 1);
    }
    return seconds;
  }

  /** Blocks the account for LOGIN_WINDOW_SECONDS × 2^(blocks so far), at most LOGIN_BLOCK_MAX_SECONDS, and says so in the log. */
  private async blockAccount(email: string, address: string): Promise<number> {
    const blocks = (await this.accountBlocks.penalty(email, 1)).consumedPoints;
    const seconds = Math.min(this.config.LOGIN_WINDOW_SECONDS * 2 ** Math.min(blocks - 1, 30), this.config.LOGIN_BLOCK_MAX_SECONDS);
    await this.perAccount.block(email, seconds);
    this.logger.warn(
      { event: 'login.account_blocked', account: email, address, blocks, blockSeconds: seconds },
      `login blocked for account ${email} for ${seconds} s after ${this.config.LOGIN_MAX_PER_ACCOUNT} attempts (block ${blocks} in a row)`,
    );
    return seconds;
  }

  private async recordLogin(
    userId: string | null,
    email: string,
    success: boolean,
    reason: string | null,
    client: ClientInfo,
  ): Promise<void> {
    await this.auth.recordLogin({
      userId,
      email: email.slice(0, 254),
      success,
      reason,
      ipAddress: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
  }
}
