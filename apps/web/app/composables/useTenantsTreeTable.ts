import { computed, ref } from 'vue';

/** Anything shaped like a tenant tree node. */
export interface TenantsTreeNode {
  id: string;
  name: string;
  children: readonly TenantsTreeNode[];
}

export interface TenantsTreeRow<T extends TenantsTreeNode> {
  node: T;
  level: number;
  hasChildren: boolean;
  expanded: boolean;
  /** Matches the filter (every row matches when there is none). */
  match: boolean;
}

function sortedChildren<T extends TenantsTreeNode>(nodes: readonly T[]): T[] {
  return [...nodes].sort((a, b) => a.name.localeCompare(b.name, 'tr'));
}

/** Every node id of the forest, depth first. */
export function allTreeIds(roots: readonly TenantsTreeNode[]): string[] {
  const ids: string[] = [];
  const visit = (node: TenantsTreeNode) => {
    ids.push(node.id);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return ids;
}

/**
 * The rows a tree table shows: children only under expanded nodes, siblings by name. With a filter,
 * the matching nodes are shown with the path down to them, whatever is expanded.
 */
export function visibleTreeRows<T extends TenantsTreeNode>(
  roots: readonly T[],
  expanded: ReadonlySet<string>,
  filter = '',
): TenantsTreeRow<T>[] {
  const needle = filter.trim().toLocaleLowerCase('tr');
  const matches = (node: TenantsTreeNode) => !needle || node.name.toLocaleLowerCase('tr').includes(needle);
  // With a filter, a node stays when it or one of its descendants matches.
  const keep = new Map<string, boolean>();
  const mark = (node: TenantsTreeNode): boolean => {
    const childKept = node.children.map(mark).some(Boolean);
    const kept = matches(node) || childKept;
    keep.set(node.id, kept);
    return kept;
  };
  if (needle) roots.forEach(mark);

  const rows: TenantsTreeRow<T>[] = [];
  const visit = (node: T, level: number) => {
    if (needle && !keep.get(node.id)) return;
    const children = sortedChildren(node.children as readonly T[]);
    const open = needle ? children.some((c) => keep.get(c.id)) : expanded.has(node.id);
    rows.push({ node, level, hasChildren: children.length > 0, expanded: open && children.length > 0, match: matches(node) });
    if (open) for (const child of children) visit(child, level + 1);
  };
  for (const root of sortedChildren(roots)) visit(root, 0);
  return rows;
}

/** Expand/collapse state of a tree table; the roots start expanded so their children show. */
export function createTreeState<T extends TenantsTreeNode>(roots: () => readonly T[], filter: () => string = () => '') {
  const expanded = ref(new Set<string>());
  const touched = ref(false);
  const open = computed(() => (touched.value ? expanded.value : new Set(roots().map((r) => r.id))));

  function set(next: Set<string>) {
    touched.value = true;
    expanded.value = next;
  }

  return {
    rows: computed(() => visibleTreeRows(roots(), open.value, filter())),
    isExpanded: (id: string) => open.value.has(id),
    toggle(id: string) {
      const next = new Set(open.value);
      if (!next.delete(id)) next.add(id);
      set(next);
    },
    expandAll: () => set(new Set(allTreeIds(roots()))),
    collapseAll: () => set(new Set()),
  };
}
