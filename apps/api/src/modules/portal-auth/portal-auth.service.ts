import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { accessTokenKey, JWT_ISSUER, PORTAL_JWT_AUDIENCE } from '../../core/auth/jwt.strategy';
import type { CustomerPrincipal } from '../../core/auth/portal-session';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { asSystem } from '../../core/database/tenant-scope';
import { UnitOfWork, type Transaction } from '../../core/database/unit-of-work';
import { BadInputException, NotAuthenticatedException, TooManyRequestsException } from '../../core/http/errors';
import { RedisService } from '../../core/redis/redis.service';
import type { PortalChallengeDto, PortalPasswordResetVerifyDto, PortalSignupDto, PortalSignupVerifyDto } from './portal-auth.dto';
import { PortalAuthRepository, type ChallengePurpose } from './portal-auth.repository';
import { PortalChallengesService } from './portal-challenges.service';

export interface ClientInfo {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

const BAD_CREDENTIALS = 'invalid email or password';
/** One answer for an unknown, wrong, expired, used or exhausted code. */
const BAD_CODE = 'invalid or expired code';
export const PRIVACY_NOTICE = 'KVKK_PRIVACY_NOTICE';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const clip = (s: string | undefined, n: number) => s?.slice(0, n) ?? null;

/**
 * Customers' own sign-in to the portal (issue 19), built as the console's (modules/auth): argon2id,
 * Redis rate limits counted before anything is looked at, refresh-token rotation with reuse detection.
 * Public routes have no tenant scope: each step runs `asSystem`, bounded by what the caller proved
 * (the subscription's details, a code, a refresh token).
 */
@Injectable()
export class PortalAuthService implements OnModuleInit {
  private readonly logger = new Logger('portal-auth');
  private limits!: Record<
    'loginAccount' | 'loginAddress' | 'signupAddress' | 'signupSubscription' | 'resetAddress' | 'resetEmail' | 'verifyAddress',
    RateLimiterRedis
  >;
  /** Verified when the e-mail is unknown, so both answers take the same time. */
  private dummyHash!: string;

  constructor(
    private readonly repository: PortalAuthRepository,
    private readonly challenges: PortalChallengesService,
    private readonly unitOfWork: UnitOfWork,
    private readonly redis: RedisService,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const c = this.config;
    const limiter = (name: string, points: number, duration: number) =>
      new RateLimiterRedis({ storeClient: this.redis.client, keyPrefix: this.redis.key('portal', name), points, duration });
    const window = c.PORTAL_CHALLENGE_WINDOW_SECONDS;
    this.limits = {
      loginAccount: limiter('login-account', c.LOGIN_MAX_PER_ACCOUNT, c.LOGIN_WINDOW_SECONDS),
      loginAddress: limiter('login-address', c.LOGIN_MAX_PER_ADDRESS, c.LOGIN_WINDOW_SECONDS),
      signupAddress: limiter('signup-address', c.PORTAL_SIGNUP_MAX_PER_ADDRESS, window),
      signupSubscription: limiter('signup-subscription', c.PORTAL_SIGNUP_MAX_PER_SUBSCRIPTION, window),
      resetAddress: limiter('reset-address', c.PORTAL_RESET_MAX_PER_ADDRESS, window),
      resetEmail: limiter('reset-email', c.PORTAL_RESET_MAX_PER_EMAIL, window),
      verifyAddress: limiter('verify-address', c.PORTAL_VERIFY_MAX_PER_ADDRESS, window),
    };
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  }

  /**
   * Starts a sign-up. The answer is the same whatever matched: a code is e-mailed only when the active
   * subscription's customer has this identity number and this e-mail on file and no account yet;
   * otherwise the challenge id is a fresh uuid that no code will ever verify.
   */
  async signup(input: PortalSignupDto, client: ClientInfo): Promise<PortalChallengeDto> {
    await this.count('too many sign-up attempts, try again later', [
      [this.limits.signupAddress, address(client)],
      [this.limits.signupSubscription, input.subscriptionNo.toUpperCase()],
    ]);
    const now = new Date();
    const ttlMs = this.config.PORTAL_CODE_TTL_MINUTES * 60_000;
    const result = await asSystem(async () => {
      // Looked up whatever matches, so both answers cost the same queries up to here.
      const [candidates, emailTaken] = await Promise.all([
        this.repository.signupCandidates(input.subscriptionNo),
        this.repository.accountByEmail(input.email),
      ]);
      const match = candidates.find(
        (c) => !c.has_account && (c.tc_id_no === input.identityNo || c.tax_id === input.identityNo) && c.emails.includes(input.email),
      );
      // One portal account per e-mail address: one already in use gets nothing.
      if (emailTaken || !match) return null;
      const request = {
        purpose: 'SIGNUP' as const,
        tenantId: match.tenant_id,
        customerId: match.customer_id,
        accountId: null,
        email: input.email,
        createdById: null,
        ttlMs,
        language: input.language ?? 'tr',
        requestId: client.requestId,
      };
      return this.unitOfWork.run((tx) => this.challenges.create(tx, request, now));
    });
    this.logger.log({ event: 'portal.signup_started', matched: Boolean(result), address: address(client) }, 'portal sign-up started');
    await this.answerFloor(now);
    if (!result) return { challengeId: randomUUID(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    return { challengeId: result.id, expiresAt: result.expiresAt.toISOString() };
  }

  /** Ends a sign-up or an invitation: the account, its KVKK consent record and a first session, in one transaction. */
  async verifySignup(input: PortalSignupVerifyDto, client: ClientInfo): Promise<TokenPair> {
    const challenge = await this.checkCode(input.challengeId, input.code, ['SIGNUP', 'INVITATION'], client);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    const familyId = randomUUID();
    const now = new Date();
    return asSystem(() =>
      this.unitOfWork.run(async (tx) => {
        // Of two concurrent verifications with the right code, one claims the challenge; the other is refused.
        if (!(await this.repository.claimChallenge(tx, challenge.id, now))) throw new BadInputException(BAD_CODE);
        const accountId = await this.repository.createAccount(tx, {
          tenantId: challenge.tenant_id,
          customerId: challenge.customer_id,
          email: challenge.email,
          passwordHash,
          language: input.language ?? 'tr',
        });
        await this.repository.addConsent(tx, {
          accountId,
          tenantId: challenge.tenant_id,
          kind: PRIVACY_NOTICE,
          version: input.privacyNoticeVersion,
          granted: true,
          ipAddress: clip(client.ip, 64),
          userAgent: clip(client.userAgent, 300),
        });
        this.logger.log({ event: 'portal.account_created', accountId, purpose: challenge.purpose }, 'portal account created');
        return this.issue({ accountId, tenantId: challenge.tenant_id, familyId, gen: 0 }, client, tx);
      }),
    );
  }

  async login(emailInput: string, password: string, client: ClientInfo): Promise<TokenPair> {
    const email = emailInput.trim().toLowerCase();
    await this.count(
      'too many login attempts, try again later',
      [
        [this.limits.loginAccount, email],
        [this.limits.loginAddress, address(client)],
      ],
      () => this.record(null, email, false, 'rate_limited', client),
    );
    return asSystem(async () => {
      const account = await this.repository.accountByEmail(email);
      const ok = await argon2.verify(account?.passwordHash ?? this.dummyHash, password).catch(() => false);
      if (!account || !ok || !account.isActive) {
        this.record(account?.id ?? null, email, false, !account ? 'unknown_email' : !ok ? 'bad_password' : 'inactive', client);
        throw new NotAuthenticatedException(BAD_CREDENTIALS);
      }
      // A success clears the account's count and gives the address its point back.
      await Promise.all([this.limits.loginAccount.delete(email), this.limits.loginAddress.reward(address(client), 1)]);
      await this.repository.setLastLogin(account.id, new Date());
      this.record(account.id, email, true, null, client);
      const gen = await this.repository.generationOf(account.id);
      return this.issue({ accountId: account.id, tenantId: account.tenantId, familyId: randomUUID(), gen }, client);
    });
  }

  /** Rotates the refresh token; presenting one already rotated ends its whole session. */
  refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    return asSystem(async () => {
      const hash = sha256(refreshToken);
      const claimed = await this.repository.claimRefreshToken(hash, new Date());
      const token = await this.repository.findRefreshToken(hash);
      if (!token) throw new NotAuthenticatedException('unknown refresh token');
      if (!claimed) {
        if (token.rotatedAt || token.revokedAt) {
          await this.repository.revokeFamily(token.familyId);
          this.logger.warn({ event: 'portal.refresh_reuse', accountId: token.accountId }, 'portal refresh token reused: session ended');
          throw new NotAuthenticatedException('refresh token was already used; the session has been ended');
        }
        throw new NotAuthenticatedException('refresh token expired');
      }
      if (!token.account.isActive) {
        await this.repository.revokeFamily(token.familyId);
        throw new NotAuthenticatedException('account is inactive');
      }
      const gen = await this.repository.generationOf(token.accountId);
      return this.issue({ accountId: token.accountId, tenantId: token.tenantId, familyId: token.familyId, gen }, client);
    });
  }

  /** Ends the session: the verifier refuses its access tokens from the next request on. */
  async logout(refreshToken: string): Promise<void> {
    await asSystem(async () => {
      const token = await this.repository.findRefreshToken(sha256(refreshToken));
      if (token) await this.repository.revokeFamily(token.familyId);
    });
  }

  /** Starts a password reset; the same answer whether or not the e-mail is an active account's. */
  async passwordReset(email: string, client: ClientInfo): Promise<PortalChallengeDto> {
    await this.count('too many password reset requests, try again later', [
      [this.limits.resetAddress, address(client)],
      [this.limits.resetEmail, email],
    ]);
    const now = new Date();
    const ttlMs = this.config.PORTAL_CODE_TTL_MINUTES * 60_000;
    const result = await asSystem(async () => {
      const account = await this.repository.accountByEmail(email);
      if (!account?.isActive) return null;
      const request = {
        purpose: 'PASSWORD_RESET' as const,
        tenantId: account.tenantId,
        customerId: account.customerId,
        accountId: account.id,
        email: account.email,
        createdById: null,
        ttlMs,
        language: account.language === 'en' ? ('en' as const) : ('tr' as const),
        requestId: client.requestId,
      };
      return this.unitOfWork.run((tx) => this.challenges.create(tx, request, now));
    });
    await this.answerFloor(now);
    if (!result) return { challengeId: randomUUID(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
    return { challengeId: result.id, expiresAt: result.expiresAt.toISOString() };
  }

  /** Sets the new password, outdates every access token (generation) and ends every session. */
  async verifyPasswordReset(input: PortalPasswordResetVerifyDto, client: ClientInfo): Promise<void> {
    const challenge = await this.checkCode(input.challengeId, input.code, ['PASSWORD_RESET'], client);
    const passwordHash = await argon2.hash(input.password, { type: argon2.argon2id });
    await asSystem(() =>
      this.unitOfWork.run(async (tx) => {
        if (!(await this.repository.claimChallenge(tx, challenge.id, new Date())) || !challenge.account_id)
          throw new BadInputException(BAD_CODE);
        await this.repository.setPassword(tx, challenge.account_id, passwordHash, true);
        await this.repository.revokeSessions(tx, challenge.account_id);
      }),
    );
    this.logger.log({ event: 'portal.password_reset', accountId: challenge.account_id }, 'portal password reset');
  }

  /** A signed-in customer's new password; their other sessions end, this one goes on. */
  async changePassword(customer: CustomerPrincipal, currentPassword: string, newPassword: string): Promise<void> {
    // Counted like logins of the account: a stolen session cannot guess the password unboundedly.
    await this.count('too many attempts, try again later', [[this.limits.loginAccount, `account:${customer.accountId}`]]);
    const account = await this.repository.account(customer.accountId);
    if (!account || !(await argon2.verify(account.passwordHash, currentPassword).catch(() => false)))
      throw new BadInputException('the current password is wrong', [{ path: ['currentPassword'], message: 'wrong password' }]);
    const passwordHash = await argon2.hash(newPassword, { type: argon2.argon2id });
    await this.unitOfWork.run(async (tx) => {
      await this.repository.setPassword(tx, account.id, passwordHash, false);
      await this.repository.revokeSessions(tx, account.id, customer.sessionId);
    });
  }

  /**
   * Waits until PORTAL_ANSWER_FLOOR_MS after `started`: a matched start (a transaction and a queued
   * e-mail) and an unmatched one then answer after the same time.
   */
  private async answerFloor(started: Date): Promise<void> {
    const wait = started.getTime() + this.config.PORTAL_ANSWER_FLOOR_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * Takes one of the challenge's attempts and compares the code; the challenge when it matches.
   * Unknown, used, expired, exhausted and wrong all answer the same 400.
   */
  private async checkCode(challengeId: string, code: string, purposes: ChallengePurpose[], client: ClientInfo) {
    await this.count('too many attempts, try again later', [[this.limits.verifyAddress, address(client)]]);
    const challenge = await asSystem(() =>
      this.repository.takeAttempt(challengeId, purposes, this.config.PORTAL_CODE_MAX_ATTEMPTS, new Date()),
    );
    if (!challenge || !this.challenges.codes.matches(challenge.id, code, challenge.code_hash)) throw new BadInputException(BAD_CODE);
    return challenge;
  }

  private async issue(
    s: { accountId: string; tenantId: string; familyId: string; gen: number },
    client: ClientInfo,
    tx?: Transaction,
  ): Promise<TokenPair> {
    const now = Date.now();
    const accessExpires = new Date(now + this.config.JWT_ACCESS_TTL_SECONDS * 1000);
    const refreshExpires = new Date(now + this.config.JWT_REFRESH_TTL_DAYS * 86_400_000);
    // What core/auth/portal-session.ts verifies: the console's issuer and key, the portal's audience.
    const accessToken = await this.jwt.signAsync(
      { sub: s.accountId, sid: s.familyId, gen: s.gen },
      {
        secret: accessTokenKey(this.config.JWT_ACCESS_SECRET),
        algorithm: 'HS256',
        expiresIn: this.config.JWT_ACCESS_TTL_SECONDS,
        issuer: JWT_ISSUER,
        audience: PORTAL_JWT_AUDIENCE,
      },
    );
    const refreshToken = randomBytes(32).toString('base64url');
    await this.repository.createRefreshToken(
      {
        accountId: s.accountId,
        tenantId: s.tenantId,
        familyId: s.familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: refreshExpires,
        userAgent: clip(client.userAgent, 300),
        ipAddress: clip(client.ip, 64),
      },
      tx,
    );
    return {
      accessToken,
      accessTokenExpiresAt: accessExpires.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpires.toISOString(),
    };
  }

  /**
   * Consumes one point of each limiter; over any of them the request is refused with 429 and the
   * seconds to wait, before anything is looked up. A Redis failure fails closed (500).
   */
  private async count(message: string, points: [RateLimiterRedis, string][], onRefused?: () => void): Promise<void> {
    const results = await Promise.allSettled(points.map(([limiter, key]) => limiter.consume(key)));
    for (const r of results) if (r.status === 'rejected' && !(r.reason instanceof RateLimiterRes)) throw r.reason;
    const waits = results.map((r) => (r.status === 'rejected' ? Math.ceil((r.reason as RateLimiterRes).msBeforeNext / 1000) : 0));
    if (waits.every((w) => w === 0)) return;
    onRefused?.();
    throw new TooManyRequestsException(message, Math.max(1, ...waits));
  }

  /** The portal's login log (structured, no table of its own): who, from where, and why a refusal. */
  private record(accountId: string | null, email: string, success: boolean, reason: string | null, client: ClientInfo): void {
    this.logger.log(
      {
        event: 'portal.login',
        accountId,
        email: email.slice(0, 254),
        success,
        reason,
        address: client.ip,
        userAgent: clip(client.userAgent, 300),
      },
      success ? 'portal login' : `portal login refused: ${reason}`,
    );
  }
}

const address = (client: ClientInfo) => client.ip ?? 'unknown';
