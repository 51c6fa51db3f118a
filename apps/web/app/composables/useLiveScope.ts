import type { TenantLike } from '~/lib/tenant-tree';
import { useSessionStore } from '~/stores/session';

/**
 * Ids of a tenant and everything below it among the visible tenants; every visible tenant when no
 * root is given. The socket receives events of all the user's tenants; views keep those of the
 * tenant subtree they show.
 */
export function tenantSubtree(tenants: readonly TenantLike[], rootId: string | null | undefined): Set<string> {
  if (!rootId) return new Set(tenants.map((t) => t.id));
  const children = new Map<string, string[]>();
  for (const t of tenants) {
    if (!t.parentId) continue;
    const list = children.get(t.parentId) ?? [];
    list.push(t.id);
    children.set(t.parentId, list);
  }
  const ids = new Set<string>([rootId]);
  const queue = [rootId];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (ids.has(child)) continue;
      ids.add(child);
      queue.push(child);
    }
  }
  return ids;
}

/** The subtree of a tenant (by default the selected one) among the user's visible tenants. */
export function useLiveScope(rootId: MaybeRefOrGetter<string | null | undefined>) {
  const store = useSessionStore();
  return computed(() => tenantSubtree(store.tenants, toValue(rootId)));
}
