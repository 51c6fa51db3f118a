import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../core/database/database.service';
import { clientOf, type Transaction } from '../../core/database/unit-of-work';

/** Credentials, refresh tokens and the login log; no rules here. */
@Injectable()
export class AuthRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  findCredentials(email: string) {
    return this.prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, isActive: true } });
  }

  async setLastLogin(userId: string, at: Date): Promise<void> {
    await this.prisma.user.update({ where: { id: userId }, data: { lastLoginAt: at } });
  }

  async findProfile(userId: string) {
    const user = await this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: {
        id: true,
        email: true,
        name: true,
        surname: true,
        phone: true,
        notificationSettings: { select: { language: true } },
        memberships: { select: { tenantId: true }, orderBy: { createdAt: 'asc' }, take: 1 },
      },
    });
    const { notificationSettings, memberships, ...profile } = user;
    return { ...profile, language: notificationSettings?.language ?? null, firstTenantId: memberships[0]?.tenantId ?? null };
  }

  findPasswordHash(userId: string) {
    return this.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { passwordHash: true } });
  }

  /** Name, surname and phone on the user; the language in the user's notification settings (one place for it). */
  async updateProfile(
    tx: Transaction,
    userId: string,
    data: { name?: string; surname?: string; phone?: string | null; language?: string },
  ): Promise<void> {
    const db = clientOf(this.database, tx);
    const { language, ...fields } = data;
    if (Object.keys(fields).length) await db.user.update({ where: { id: userId }, data: fields });
    if (language) await db.notificationSettings.upsert({ where: { userId }, create: { userId, language }, update: { language } });
  }

  async setPasswordHash(tx: Transaction, userId: string, passwordHash: string): Promise<void> {
    await clientOf(this.database, tx).user.update({ where: { id: userId }, data: { passwordHash } });
  }

  /** Revokes every refresh token of the user; the families' ids, so their sessions can be ended everywhere. */
  async revokeUserRefreshTokens(tx: Transaction, userId: string, now: Date): Promise<void> {
    await clientOf(this.database, tx).refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  }

  // ---- Password reset by e-mail (operator_password_reset) ----

  findResetTarget(email: string) {
    return this.prisma.user.findUnique({
      where: { email },
      select: { id: true, isActive: true, notificationSettings: { select: { language: true } } },
    });
  }

  /** Voids the user's unused links and stores the new one, in `tx` (with its e-mail's job): only the newest link works. */
  async createReset(
    tx: Transaction,
    data: {
      userId: string;
      tokenHash: string;
      tokenSealed: string;
      language: string;
      expiresAt: Date;
      ipAddress: string | null;
      now: Date;
    },
  ): Promise<string> {
    const { now, ...row } = data;
    const db = clientOf(this.database, tx);
    await db.operatorPasswordReset.updateMany({
      where: { userId: data.userId, usedAt: null },
      data: { usedAt: now, tokenSealed: null },
    });
    return (await db.operatorPasswordReset.create({ data: row, select: { id: true } })).id;
  }

  /** Marks the link used if it still works (atomic: of two concurrent uses only one claims it); its user, or null. */
  async claimReset(tx: Transaction, tokenHash: string, now: Date) {
    const db = clientOf(this.database, tx);
    const claimed = await db.operatorPasswordReset.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now, tokenSealed: null },
    });
    if (claimed.count === 0) return null;
    return db.operatorPasswordReset.findUniqueOrThrow({
      where: { tokenHash },
      select: { id: true, userId: true, user: { select: { isActive: true, memberships: { select: { tenantId: true }, take: 1 } } } },
    });
  }

  async voidResets(tx: Transaction, userId: string, now: Date): Promise<void> {
    await clientOf(this.database, tx).operatorPasswordReset.updateMany({
      where: { userId, usedAt: null },
      data: { usedAt: now, tokenSealed: null },
    });
  }

  findResetToSend(id: string) {
    return this.prisma.operatorPasswordReset.findUnique({
      where: { id },
      select: {
        id: true,
        tokenSealed: true,
        language: true,
        expiresAt: true,
        usedAt: true,
        emailStatus: true,
        user: { select: { email: true, name: true, isActive: true } },
      },
    });
  }

  /** Records one delivery attempt (or the reason none was made); the sealed token goes once the e-mail is sent or given up. */
  async markResetEmail(
    id: string,
    data: { status: 'QUEUED' | 'SENT' | 'FAILED'; reason: string | null; attempted: boolean; sentAt?: Date },
  ): Promise<void> {
    await this.prisma.operatorPasswordReset.update({
      where: { id },
      data: {
        emailStatus: data.status,
        emailReason: data.reason?.slice(0, 500) ?? null,
        ...(data.attempted ? { emailAttempts: { increment: 1 } } : {}),
        ...(data.sentAt ? { sentAt: data.sentAt } : {}),
        ...(data.status === 'QUEUED' ? {} : { tokenSealed: null }),
      },
    });
  }

  /** Marks the token rotated if it is still usable (atomic: of two concurrent uses only one claims it); whether this call did. */
  async claimRefreshToken(tokenHash: string, now: Date): Promise<boolean> {
    const claimed = await this.prisma.refreshToken.updateMany({
      where: { tokenHash, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { rotatedAt: now },
    });
    return claimed.count > 0;
  }

  findRefreshToken(tokenHash: string) {
    return this.prisma.refreshToken.findUnique({ where: { tokenHash }, include: { user: { select: { isActive: true } } } });
  }

  async createRefreshToken(data: {
    userId: string;
    familyId: string;
    tokenHash: string;
    expiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
  }): Promise<void> {
    await this.prisma.refreshToken.create({ data });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async recordLogin(data: {
    userId: string | null;
    email: string;
    success: boolean;
    reason: string | null;
    ipAddress: string | null;
    userAgent: string | null;
  }): Promise<void> {
    await this.prisma.loginEvent.create({ data });
  }
}
