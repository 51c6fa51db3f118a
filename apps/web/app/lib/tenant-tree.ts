export interface TenantLike {
  id: string;
  name: string;
  parentId: string | null;
}

export interface TenantTreeNode<T extends TenantLike> {
  tenant: T;
  children: TenantTreeNode<T>[];
}

export interface TenantTreeRow<T extends TenantLike> {
  tenant: T;
  /** 0 for a tenant whose parent the user cannot see */
  level: number;
}

/**
 * Builds the forest of the tenants a user may see. A tenant whose parent is not in the list
 * (hidden from this user, or none) is a root. Siblings are sorted by name (Turkish collation).
 */
export function buildTenantTree<T extends TenantLike>(tenants: readonly T[]): TenantTreeNode<T>[] {
  const nodes = new Map<string, TenantTreeNode<T>>();
  for (const tenant of tenants) nodes.set(tenant.id, { tenant, children: [] });

  const roots: TenantTreeNode<T>[] = [];
  for (const node of nodes.values()) {
    const parent = node.tenant.parentId ? nodes.get(node.tenant.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }

  // A cycle (never valid data) would leave its tenants unreachable: cut it by making one of them a root.
  const reached = new Set<string>();
  const mark = (node: TenantTreeNode<T>) => {
    if (reached.has(node.tenant.id)) return;
    reached.add(node.tenant.id);
    node.children.forEach(mark);
  };
  roots.forEach(mark);
  for (const node of nodes.values()) {
    if (reached.has(node.tenant.id)) continue;
    roots.push(node);
    mark(node);
  }

  const sorted = new Set<string>();
  const sort = (list: TenantTreeNode<T>[]) => {
    list.sort((a, b) => a.tenant.name.localeCompare(b.tenant.name, 'tr'));
    for (const node of list) {
      if (sorted.has(node.tenant.id)) continue;
      sorted.add(node.tenant.id);
      sort(node.children);
    }
  };
  sort(roots);
  return roots;
}

/** Depth-first rows for an indented list; a node is never visited twice, even if the data held a cycle. */
export function flattenTenantTree<T extends TenantLike>(roots: readonly TenantTreeNode<T>[]): TenantTreeRow<T>[] {
  const rows: TenantTreeRow<T>[] = [];
  const seen = new Set<string>();
  const visit = (node: TenantTreeNode<T>, level: number) => {
    if (seen.has(node.tenant.id)) return;
    seen.add(node.tenant.id);
    rows.push({ tenant: node.tenant, level });
    for (const child of node.children) visit(child, level + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}
