import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../core/database/database.service';

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

  findProfile(userId: string) {
    return this.prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, name: true, surname: true, phone: true },
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
