import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import { DatabaseService } from '../../core/database/database.service';

const userInclude = {
  memberships: { include: { tenant: { select: { id: true, name: true } }, permissions: true }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.UserInclude;
export type UserWithMemberships = Prisma.UserGetPayload<{ include: typeof userInclude }>;

@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  get prisma() {
    return this.database.prisma;
  }

  find(id: string): Promise<UserWithMemberships | null> {
    return this.prisma.user.findUnique({ where: { id }, include: userInclude });
  }

  async page(where: Prisma.UserWhereInput, orderBy: Prisma.UserOrderByWithRelationInput[], skip: number, take: number) {
    const [items, total] = await Promise.all([
      this.prisma.user.findMany({ where, orderBy, skip, take, include: userInclude }),
      this.prisma.user.count({ where }),
    ]);
    return { items, total };
  }

  recentLogins(userId: string, take = 20) {
    return this.prisma.loginEvent.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take });
  }

  /** The user's own recent actions, limited to tenants the viewer may see. */
  recentActions(userId: string, tenantIds: string[], take = 20) {
    return this.prisma.auditLog.findMany({
      where: { actorId: userId, action: { in: ['create', 'update', 'delete'] }, OR: [{ tenantId: { in: tenantIds } }] },
      orderBy: { createdAt: 'desc' },
      take,
    });
  }
}
