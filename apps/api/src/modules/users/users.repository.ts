import { Injectable } from '@nestjs/common';
import type { Prisma } from '@water/db';
import type { PermissionModule } from '@water/shared';
import { DatabaseService } from '../../core/database/database.service';
import { containsExact } from '../../core/database/like';
import { foldSearch, searchTextContains } from '../../core/database/search';
import { clientOf, type Transaction as Tx } from '../../core/database/unit-of-work';
import type { ListUsersQueryDto } from './users.dto';

/** One module's rights of a membership, as stored. */
export interface PermissionRow {
  module: PermissionModule;
  canCreate: boolean;
  canRead: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

type Role = NonNullable<Prisma.MembershipUncheckedCreateInput['role']>;

const userInclude = {
  memberships: { include: { tenant: { select: { id: true, name: true } }, permissions: true }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.UserInclude;
export type UserWithMemberships = Prisma.UserGetPayload<{ include: typeof userInclude }>;

@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  private get prisma() {
    return this.database.prisma;
  }

  find(id: string): Promise<UserWithMemberships | null> {
    return this.prisma.user.findUnique({ where: { id }, include: userInclude });
  }

  /** Users with a membership in one of `tenantIds`. */
  async page(tenantIds: string[], q: ListUsersQueryDto, skip: number, take: number) {
    const where: Prisma.UserWhereInput = {
      memberships: { some: { tenantId: { in: tenantIds } } },
      ...(q.search
        ? {
            OR: [
              // Name and surname (also together), email.
              { searchText: searchTextContains(await foldSearch(this.database, q.search)) },
              { phone: containsExact(q.search) },
            ],
          }
        : {}),
    };
    const orderBy: Prisma.UserOrderByWithRelationInput[] =
      q.sort === 'name'
        ? [{ name: q.order }, { surname: q.order }, { id: 'asc' }]
        : [{ [q.sort]: { sort: q.order, nulls: 'last' } }, { id: 'asc' }];
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

  // ─── Writes ───────────────────────────────────────────────────────────────────

  /** Creates the user with their memberships and each membership's rights. */
  async create(
    tx: Tx,
    user: Omit<Prisma.UserCreateInput, 'memberships'>,
    memberships: { tenantId: string; role: Role; permissions: PermissionRow[] }[],
  ): Promise<string> {
    const created = await clientOf(this.database, tx).user.create({
      data: {
        ...user,
        memberships: { create: memberships.map((m) => ({ tenantId: m.tenantId, role: m.role, permissions: { create: m.permissions } })) },
      },
    });
    return created.id;
  }

  async update(tx: Tx, id: string, data: Prisma.UserUpdateInput): Promise<void> {
    await clientOf(this.database, tx).user.update({ where: { id }, data });
  }

  /** Ends the user's sessions: their refresh tokens stop working. */
  async revokeRefreshTokens(tx: Tx, userId: string): Promise<void> {
    await clientOf(this.database, tx).refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).user.delete({ where: { id } });
  }

  /** Adds the user to the tenant with its rights, or replaces role and rights there; returns the membership id. */
  async setMembership(tx: Tx, userId: string, tenantId: string, role: Role, permissions: PermissionRow[]): Promise<string> {
    const db = clientOf(this.database, tx);
    const membership = await db.membership.upsert({
      where: { userId_tenantId: { userId, tenantId } },
      create: { userId, tenantId, role },
      update: { role },
    });
    await db.membershipPermission.deleteMany({ where: { membershipId: membership.id } });
    await db.membershipPermission.createMany({ data: permissions.map((r) => ({ ...r, membershipId: membership.id })) });
    return membership.id;
  }

  async deleteMembership(tx: Tx, id: string): Promise<void> {
    await clientOf(this.database, tx).membership.delete({ where: { id } });
  }
}
