import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { isValidTcIdNo, matrixCovers, PERMISSION_MODULES, type PermissionMatrix } from '@water/shared';
import type { AccessContext } from '../../core/access/access-context';
import { AccessService } from '../../core/access/access.service';
import { AuditService } from '../../core/audit/audit.service';
import { SessionRevocationService } from '../../core/auth/session-revocation.service';
import { BadInputException, ConflictException, EntityNotFoundException, ForbiddenActionException } from '../../core/http/errors';
import { skipTake, type Page } from '../../core/http/paging';
import { toMatrix } from '../tenants/tenants.service';
import type { CreateUserDto, ListUsersQueryDto, SetMembershipDto, UpdateUserDto, UserDetail, UserRow } from './users.dto';
import { UnitOfWork } from '../../core/database/unit-of-work';
import { UsersRepository, type UserWithMemberships } from './users.repository';

const hashPassword = (p: string) => argon2.hash(p, { type: argon2.argon2id });

function permissionRows(matrix: PermissionMatrix) {
  return PERMISSION_MODULES.map((module) => ({
    module,
    canCreate: matrix[module].create,
    // Any write right implies read (a database rule too).
    canRead: matrix[module].read || matrix[module].create || matrix[module].update || matrix[module].delete,
    canUpdate: matrix[module].update,
    canDelete: matrix[module].delete,
  }));
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly accessService: AccessService,
    private readonly revocations: SessionRevocationService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async list(access: AccessContext, q: ListUsersQueryDto): Promise<Page<UserRow>> {
    const tenantIds = access.tenantIds('USERS', 'read', q.tenantId);
    const { skip, take } = skipTake(q);
    const { items, total } = await this.users.page(tenantIds, q, skip, take);
    return { items: items.map((u) => this.mapRow(access, u)), total, page: q.page, pageSize: q.pageSize };
  }

  async detail(access: AccessContext, id: string): Promise<UserDetail> {
    const user = await this.visibleUser(access, id);
    const visibleIds = [...access.tenants.keys()];
    const [logins, actions] = await Promise.all([this.users.recentLogins(id), this.users.recentActions(id, visibleIds)]);
    // The rule of changeableUser, so the console offers only what the API will accept.
    const manageable =
      id !== access.userId &&
      access.rightsBeyond(user.memberships.map((m) => ({ tenantId: m.tenantId, matrix: toMatrix(m.permissions) }))).length === 0;
    return {
      ...this.mapRow(access, user),
      tcIdNo: user.tcIdNo,
      createdAt: user.createdAt.toISOString(),
      memberships: user.memberships
        .filter((m) => access.canSee(m.tenantId))
        .map((m) => ({
          tenantId: m.tenantId,
          tenantName: m.tenant.name,
          role: m.role,
          permissions: toMatrix(m.permissions),
          canManage: manageable && access.can('USERS', 'update', m.tenantId),
        })),
      activity: {
        lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
        logins: logins.map((l) => ({ at: l.createdAt.toISOString(), success: l.success, reason: l.reason, ipAddress: l.ipAddress })),
        actions: actions.map((a) => ({
          at: a.createdAt.toISOString(),
          action: a.action,
          entityType: a.entityType,
          entityId: a.entityId,
          tenantId: a.tenantId,
        })),
      },
    };
  }

  async create(access: AccessContext, input: CreateUserDto): Promise<UserDetail> {
    if (input.tcIdNo && !isValidTcIdNo(input.tcIdNo))
      throw new BadInputException('invalid TC ID No', [{ path: ['tcIdNo'], message: 'check digits do not match' }]);
    const seen = new Set<string>();
    input.memberships.forEach((m, i) => {
      if (seen.has(m.tenantId))
        throw new BadInputException('a tenant appears twice', [{ path: ['memberships', i, 'tenantId'], message: 'duplicate tenant' }]);
      seen.add(m.tenantId);
      this.checkGrant(access, m.tenantId, m.permissions, 'create', ['memberships', i]);
    });
    const passwordHash = await hashPassword(input.password);
    const id = await this.unitOfWork.run(async (tx) => {
      const userId = await this.users.create(
        tx,
        {
          name: input.name,
          surname: input.surname,
          phone: input.phone ?? null,
          email: input.email,
          tcIdNo: input.tcIdNo ?? null,
          isActive: input.isActive ?? true,
          passwordHash,
        },
        input.memberships.map((m) => ({ tenantId: m.tenantId, role: m.role, permissions: permissionRows(m.permissions) })),
      );
      for (const m of input.memberships) {
        await this.audit.record(
          access,
          { action: 'create', entityType: 'user', entityId: userId, tenantId: m.tenantId, after: { ...input, password: undefined } },
          tx,
        );
      }
      return userId;
    });
    return this.detail(access, id);
  }

  async update(access: AccessContext, id: string, input: UpdateUserDto): Promise<UserDetail> {
    const user = await this.changeableUser(access, id, 'update');
    if (input.tcIdNo && input.tcIdNo !== user.tcIdNo && !isValidTcIdNo(input.tcIdNo)) {
      throw new BadInputException('invalid TC ID No', [{ path: ['tcIdNo'], message: 'check digits do not match' }]);
    }
    if (input.isActive === false && id === access.userId)
      throw new BadInputException('you cannot deactivate yourself', [{ path: ['isActive'], message: 'own account' }]);
    const passwordHash = input.password ? await hashPassword(input.password) : undefined;
    await this.unitOfWork.run(async (tx) => {
      const { password: _p, ...fields } = input;
      await this.users.update(tx, id, { ...fields, ...(passwordHash ? { passwordHash } : {}) });
      // A password change or deactivation ends the user's sessions.
      if (passwordHash || input.isActive === false) await this.users.revokeRefreshTokens(tx, id);
      await this.audit.record(
        access,
        {
          action: 'update',
          entityType: 'user',
          entityId: id,
          tenantId: user.memberships[0]?.tenantId,
          before: strip(user),
          after: { ...fields, passwordChanged: Boolean(passwordHash) },
        },
        tx,
      );
    });
    await this.accessService.invalidate();
    // Access tokens already handed out (every session, own included) stop working on every node, and
    // open live sockets are closed (SessionRevocationService).
    if (passwordHash || input.isActive === false) await this.revocations.revokeUser(id);
    return this.detail(access, id);
  }

  async remove(access: AccessContext, id: string): Promise<void> {
    if (id === access.userId) throw new BadInputException('you cannot delete yourself');
    const user = await this.changeableUser(access, id, 'delete');
    await this.unitOfWork.run(async (tx) => {
      await this.users.delete(tx, id);
      await this.audit.record(
        access,
        { action: 'delete', entityType: 'user', entityId: id, tenantId: user.memberships[0]?.tenantId, before: strip(user) },
        tx,
      );
    });
    await this.accessService.invalidate();
    await this.revocations.revokeUser(id);
  }

  /** Adds the user to a tenant or changes their role and matrix there. */
  async setMembership(access: AccessContext, id: string, tenantId: string, input: SetMembershipDto): Promise<UserDetail> {
    const user = await this.changeableUser(access, id, 'update', tenantId);
    this.checkGrant(access, tenantId, input.permissions, 'update', []);
    const existing = user.memberships.find((m) => m.tenantId === tenantId);
    await this.unitOfWork.run(async (tx) => {
      const membershipId = await this.users.setMembership(tx, id, tenantId, input.role, permissionRows(input.permissions));
      await this.audit.record(
        access,
        {
          action: existing ? 'update' : 'create',
          entityType: 'membership',
          entityId: membershipId,
          tenantId,
          before: existing ? { role: existing.role, permissions: toMatrix(existing.permissions) } : undefined,
          after: { userId: id, ...input },
        },
        tx,
      );
    });
    await this.accessService.invalidate();
    return this.detail(access, id);
  }

  /** The user may vanish from the caller's view afterwards, so nothing is returned. */
  async removeMembership(access: AccessContext, id: string, tenantId: string): Promise<void> {
    const user = await this.changeableUser(access, id, 'update', tenantId);
    const membership = user.memberships.find((m) => m.tenantId === tenantId);
    if (!membership) throw new EntityNotFoundException('membership');
    if (user.memberships.length === 1)
      throw new ConflictException('a user must belong to at least one tenant; delete the user instead', [], { code: 'lastMembership' });
    await this.unitOfWork.run(async (tx) => {
      await this.users.deleteMembership(tx, membership.id);
      await this.audit.record(
        access,
        {
          action: 'delete',
          entityType: 'membership',
          entityId: membership.id,
          tenantId,
          before: { userId: id, role: membership.role, permissions: toMatrix(membership.permissions) },
        },
        tx,
      );
    });
    await this.accessService.invalidate();
  }

  /** Nobody grants more than they hold at that tenant. */
  private checkGrant(
    access: AccessContext,
    tenantId: string,
    wanted: PermissionMatrix,
    action: 'create' | 'update',
    path: (string | number)[],
  ): void {
    access.require('USERS', action, tenantId);
    if (!matrixCovers(access.matrixAt(tenantId), wanted)) {
      throw new ForbiddenActionException('you cannot grant rights you do not hold yourself');
    }
    void path;
  }

  /** Visible when the user belongs to at least one tenant where the caller may read users. */
  private async visibleUser(access: AccessContext, id: string): Promise<UserWithMemberships> {
    const user = await this.users.find(id);
    if (!user || !user.memberships.some((m) => access.can('USERS', 'read', m.tenantId))) throw new EntityNotFoundException('user', id);
    return user;
  }

  /**
   * The one gate of every change to an existing user (identity, password, activation, deletion,
   * memberships), decisions.md "Access":
   * - 404 when the user is invisible to the caller;
   * - a membership (`membershipTenantId`) is changed with USERS `action` at that tenant, and never by
   *   its own user; identity, password, activation and existence affect every tenant the user belongs
   *   to, so they need USERS `action` in all of them;
   * - and in every case the caller must hold, at each tenant the user belongs to, every right the user
   *   holds there (effective rights, inherited ones included): a USERS-only user cannot reset the
   *   password of, deactivate or demote an administrator.
   */
  private async changeableUser(
    access: AccessContext,
    id: string,
    action: 'update' | 'delete',
    membershipTenantId?: string,
  ): Promise<UserWithMemberships> {
    const user = await this.visibleUser(access, id);
    if (membershipTenantId !== undefined) {
      if (id === access.userId)
        throw new ForbiddenActionException('you cannot change your own memberships; another administrator must do it');
      access.require('USERS', action, membershipTenantId);
    } else {
      const outside = user.memberships.filter((m) => !access.can('USERS', action, m.tenantId));
      if (outside.length) throw new ForbiddenActionException(`this user also belongs to tenants where you may not ${action} users`);
    }
    const beyond = access.rightsBeyond(user.memberships.map((m) => ({ tenantId: m.tenantId, matrix: toMatrix(m.permissions) })));
    if (beyond.length) {
      const where = beyond
        .map((b) => `${b.rights.join(', ')} at ${access.tenants.get(b.tenantId)?.name ?? 'a tenant you cannot see'}`)
        .join('; ');
      throw new ForbiddenActionException(
        `this user holds rights you do not hold (${where}): only someone holding all of them may change this user`,
      );
    }
    return user;
  }

  private mapRow(access: AccessContext, u: UserWithMemberships): UserRow {
    return {
      id: u.id,
      name: u.name,
      surname: u.surname,
      email: u.email,
      phone: u.phone,
      isActive: u.isActive,
      lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
      tenants: u.memberships
        .filter((m) => access.canSee(m.tenantId))
        .map((m) => ({ tenantId: m.tenantId, tenantName: m.tenant.name, role: m.role })),
    };
  }
}

function strip(u: UserWithMemberships) {
  const { passwordHash: _h, memberships, ...rest } = u;
  return { ...rest, tenantIds: memberships.map((m) => m.tenantId) };
}
