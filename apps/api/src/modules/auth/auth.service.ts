import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AccessService } from '../../core/access/access.service';
import type { AccessContext } from '../../core/access/access-context';
import { accessTokenKey, JWT_AUDIENCE, JWT_ISSUER } from '../../core/auth/jwt.strategy';
import { SessionRevocationService } from '../../core/auth/session-revocation.service';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import { DatabaseService } from '../../core/database/database.service';
import { NotAuthenticatedException, TooManyRequestsException } from '../../core/http/errors';
import { RedisService } from '../../core/redis/redis.service';
import { mapMe } from './auth.dto';

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
  private perAccount!: RateLimiterRedis;
  private perAddress!: RateLimiterRedis;
  /** Verified when the email is unknown, so both answers take the same time. */
  private dummyHash!: string;

  constructor(
    private readonly database: DatabaseService,
    private readonly redis: RedisService,
    private readonly jwt: JwtService,
    private readonly access: AccessService,
    private readonly revocations: SessionRevocationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const common = { storeClient: this.redis.client, duration: this.config.LOGIN_WINDOW_SECONDS };
    this.perAccount = new RateLimiterRedis({ ...common, keyPrefix: this.redis.key('login-account'), points: this.config.LOGIN_MAX_PER_ACCOUNT });
    this.perAddress = new RateLimiterRedis({ ...common, keyPrefix: this.redis.key('login-address'), points: this.config.LOGIN_MAX_PER_ADDRESS });
    this.dummyHash = await argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id });
  }

  async login(emailInput: string, password: string, client: ClientInfo): Promise<TokenPair> {
    const email = emailInput.trim().toLowerCase();
    const address = client.ip ?? 'unknown';
    // Failed attempts count against the account and the address; a success clears the account's count.
    const blocked = await this.blockedFor(email, address);
    if (blocked) {
      await this.recordLogin(null, email, false, 'rate_limited', client);
      throw new TooManyRequestsException('too many login attempts, try again later', blocked);
    }

    const user = await this.database.prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, isActive: true } });
    const passwordOk = await argon2.verify(user?.passwordHash ?? this.dummyHash, password).catch(() => false);
    if (!user || !passwordOk || !user.isActive) {
      const reason = !user ? 'unknown_email' : !passwordOk ? 'bad_password' : 'inactive';
      await Promise.all([
        this.perAccount.penalty(email, 1),
        this.perAddress.penalty(address, 1),
        this.recordLogin(user?.id ?? null, email, false, reason, client),
      ]);
      throw new NotAuthenticatedException(BAD_CREDENTIALS);
    }

    await this.perAccount.delete(email);
    const now = new Date();
    await Promise.all([
      this.database.prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: now } }),
      this.recordLogin(user.id, email, true, null, client),
    ]);
    return this.issue(user.id, randomUUID(), client);
  }

  /** Rotates the refresh token. Presenting a token that was already rotated revokes its whole family. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPair> {
    const prisma = this.database.prisma;
    const hash = sha256(refreshToken);
    const now = new Date();
    // Claim the token atomically: of two concurrent uses only one can rotate it.
    const claimed = await prisma.refreshToken.updateMany({
      where: { tokenHash: hash, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { rotatedAt: now },
    });
    const token = await prisma.refreshToken.findUnique({ where: { tokenHash: hash }, include: { user: { select: { isActive: true } } } });
    if (!token) throw new NotAuthenticatedException('unknown refresh token');
    if (claimed.count === 0) {
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
    const token = await this.database.prisma.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) } });
    if (token) await this.revokeFamily(token.familyId);
  }

  async me(access: AccessContext) {
    const user = await this.database.prisma.user.findUniqueOrThrow({
      where: { id: access.userId },
      select: { id: true, email: true, name: true, surname: true, phone: true },
    });
    return mapMe(user, access);
  }

  private async issue(userId: string, familyId: string, client: ClientInfo): Promise<TokenPair> {
    const now = Date.now();
    const accessExpires = new Date(now + this.config.JWT_ACCESS_TTL_SECONDS * 1000);
    const refreshExpires = new Date(now + this.config.JWT_REFRESH_TTL_DAYS * 86_400_000);
    const accessToken = await this.jwt.signAsync(
      { sub: userId, sid: familyId },
      { secret: accessTokenKey(this.config.JWT_ACCESS_SECRET), algorithm: 'HS256', expiresIn: this.config.JWT_ACCESS_TTL_SECONDS, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
    );
    const refreshToken = randomBytes(32).toString('base64url');
    await this.database.prisma.refreshToken.create({
      data: {
        userId,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: refreshExpires,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        ipAddress: client.ip?.slice(0, 64) ?? null,
      },
    });
    return {
      accessToken,
      accessTokenExpiresAt: accessExpires.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: refreshExpires.toISOString(),
    };
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.database.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
    await this.revocations.revoke(familyId);
  }

  /** Seconds to wait when either limit is exhausted, else 0. */
  private async blockedFor(email: string, address: string): Promise<number> {
    const [a, b] = await Promise.all([this.perAccount.get(email), this.perAddress.get(address)]);
    const over = (r: RateLimiterRes | null, max: number) => (r && r.consumedPoints >= max ? Math.ceil(r.msBeforeNext / 1000) : 0);
    return Math.max(over(a, this.config.LOGIN_MAX_PER_ACCOUNT), over(b, this.config.LOGIN_MAX_PER_ADDRESS));
  }

  private async recordLogin(userId: string | null, email: string, success: boolean, reason: string | null, client: ClientInfo): Promise<void> {
    await this.database.prisma.loginEvent.create({
      data: {
        userId,
        email: email.slice(0, 254),
        success,
        reason,
        ipAddress: client.ip?.slice(0, 64) ?? null,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
      },
    });
  }
}
