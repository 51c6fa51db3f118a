import {
  emptyMatrix,
  PERMISSION_ACTIONS,
  PERMISSION_MODULES,
  type PermissionAction,
  type PermissionMatrix,
  type PermissionModule,
} from '@water/shared';
import { EntityNotFoundException, ForbiddenActionException } from '../http/errors';

export interface VisibleTenant {
  id: string;
  name: string;
  parentId: string | null;
  path: string;
  depth: number;
  /** Effective rights here: the union of the user's memberships at this tenant and its ancestors. */
  matrix: PermissionMatrix;
}

export interface MembershipGrant {
  membershipId: string;
  tenantId: string;
  tenantName: string;
  path: string;
  role: string;
  matrix: PermissionMatrix;
}

export function isSameOrDescendant(path: string, ancestorPath: string): boolean {
  return path === ancestorPath || path.startsWith(`${ancestorPath}.`);
}

/**
 * What the authenticated caller may see and do, computed once per request from their memberships.
 * Every service asks this object (never a request field) which tenants a query may touch.
 */
export class AccessContext {
  readonly tenants: ReadonlyMap<string, VisibleTenant>;

  constructor(
    readonly userId: string,
    readonly sessionId: string,
    readonly memberships: readonly MembershipGrant[],
    tenants: readonly VisibleTenant[] | ReadonlyMap<string, VisibleTenant>,
    readonly requestId?: string,
  ) {
    this.tenants = tenants instanceof Map ? tenants : new Map((tenants as readonly VisibleTenant[]).map((t) => [t.id, t]));
  }

  /** The same rights for another request of the same session (contexts are cached between requests). */
  forRequest(requestId?: string): AccessContext {
    return new AccessContext(this.userId, this.sessionId, this.memberships, this.tenants, requestId);
  }

  static build(
    userId: string,
    sessionId: string,
    memberships: MembershipGrant[],
    tenants: Omit<VisibleTenant, 'matrix'>[],
    requestId?: string,
  ): AccessContext {
    const withRights = tenants.map((t) => {
      const matrix = emptyMatrix();
      for (const m of memberships) {
        if (!isSameOrDescendant(t.path, m.path)) continue;
        for (const mod of PERMISSION_MODULES) for (const a of PERMISSION_ACTIONS) if (m.matrix[mod][a]) matrix[mod][a] = true;
      }
      return { ...t, matrix };
    });
    return new AccessContext(userId, sessionId, memberships, withRights, requestId);
  }

  canSee(tenantId: string): boolean {
    return this.tenants.has(tenantId);
  }

  can(module: PermissionModule, action: PermissionAction, tenantId: string): boolean {
    return Boolean(this.tenants.get(tenantId)?.matrix[module][action]);
  }

  holdsAnywhere(module: PermissionModule, action: PermissionAction): boolean {
    for (const t of this.tenants.values()) if (t.matrix[module][action]) return true;
    return false;
  }

  /**
   * Tenant ids where the caller holds `action` on `module`, optionally narrowed to the subtree of
   * `within` (a filter chosen by the caller, which must itself be visible).
   */
  tenantIds(module: PermissionModule, action: PermissionAction, within?: string | null): string[] {
    let root: VisibleTenant | undefined;
    if (within) {
      root = this.tenants.get(within);
      if (!root) throw new EntityNotFoundException('tenant', within);
    }
    const ids: string[] = [];
    for (const t of this.tenants.values()) {
      if (!t.matrix[module][action]) continue;
      if (root && !isSameOrDescendant(t.path, root.path)) continue;
      ids.push(t.id);
    }
    return ids;
  }

  /**
   * Throws 404 when the tenant (and so the object of it) is invisible, 403 when it is visible but
   * the right is missing. `entity` names the object in the 404 message.
   */
  require(module: PermissionModule, action: PermissionAction, tenantId: string, entity = 'tenant', entityId?: string): VisibleTenant {
    const tenant = this.tenants.get(tenantId);
    if (!tenant || (action !== 'read' && !tenant.matrix[module].read && !tenant.matrix[module][action])) {
      // Without read on the module the object is as good as invisible.
      throw new EntityNotFoundException(entity, entityId ?? (entity === 'tenant' ? tenantId : undefined));
    }
    if (!tenant.matrix[module][action]) {
      if (action === 'read') throw new EntityNotFoundException(entity, entityId);
      throw new ForbiddenActionException(`you may not ${action} ${module.toLowerCase().replace('_', ' ')} in ${tenant.name}`);
    }
    return tenant;
  }

  matrixAt(tenantId: string): PermissionMatrix {
    return this.tenants.get(tenantId)?.matrix ?? emptyMatrix();
  }

  /**
   * The rights a user holds through their memberships that the caller does not hold at the same tenant
   * (the caller's effective rights there, so a right inherited from an ancestor counts; at a tenant the
   * caller cannot see they hold nothing). Empty when the caller holds everything the user holds,
   * everywhere: the condition for changing that user at all (decisions.md, Access).
   */
  rightsBeyond(memberships: readonly { tenantId: string; matrix: PermissionMatrix }[]): { tenantId: string; rights: string[] }[] {
    const out: { tenantId: string; rights: string[] }[] = [];
    for (const m of memberships) {
      const rights = missingRights(this.matrixAt(m.tenantId), m.matrix);
      if (rights.length) out.push({ tenantId: m.tenantId, rights });
    }
    return out;
  }
}

/** What `wanted` grants that `held` does not, as "MODULE action" labels (e.g. "METERS delete"). */
export function missingRights(held: PermissionMatrix, wanted: PermissionMatrix): string[] {
  const out: string[] = [];
  for (const mod of PERMISSION_MODULES) for (const a of PERMISSION_ACTIONS) if (wanted[mod][a] && !held[mod][a]) out.push(`${mod} ${a}`);
  return out;
}
