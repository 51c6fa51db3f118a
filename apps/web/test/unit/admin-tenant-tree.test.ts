import { describe, expect, it } from 'vitest';
import { allTreeIds, createTreeState, visibleTreeRows } from '~/composables/useTenantsTreeTable';

interface Node {
  id: string;
  name: string;
  children: Node[];
}
const node = (id: string, name: string, children: Node[] = []): Node => ({ id, name, children });

// Una IoT > (HATSU, ASKİ > (Yenimahalle, Çankaya > Kızılay))
const forest = [
  node('root', 'Una IoT', [
    node('hatsu', 'HATSU'),
    node('aski', 'ASKİ', [node('yeni', 'Yenimahalle'), node('cank', 'Çankaya', [node('kiz', 'Kızılay')])]),
  ]),
];

const names = (rows: { node: Node; level: number }[]) => rows.map((r) => `${'-'.repeat(r.level)}${r.node.name}`);

describe('tenant tree table', () => {
  it('shows children only under expanded tenants, siblings by name (Turkish collation)', () => {
    expect(names(visibleTreeRows(forest, new Set()))).toEqual(['Una IoT']);
    expect(names(visibleTreeRows(forest, new Set(['root'])))).toEqual(['Una IoT', '-ASKİ', '-HATSU']);
    expect(names(visibleTreeRows(forest, new Set(['root', 'aski'])))).toEqual(['Una IoT', '-ASKİ', '--Çankaya', '--Yenimahalle', '-HATSU']);
  });

  it('reports which rows have children and are expanded', () => {
    const rows = visibleTreeRows(forest, new Set(['root', 'aski']));
    const byId = Object.fromEntries(rows.map((r) => [r.node.id, r]));
    expect(byId.root).toMatchObject({ hasChildren: true, expanded: true, level: 0 });
    expect(byId.cank).toMatchObject({ hasChildren: true, expanded: false, level: 2 });
    expect(byId.hatsu).toMatchObject({ hasChildren: false, expanded: false, level: 1 });
  });

  it('hides a collapsed subtree even when its children were expanded', () => {
    expect(names(visibleTreeRows(forest, new Set(['aski', 'cank'])))).toEqual(['Una IoT']);
  });

  it('shows filter matches with the path down to them, whatever is expanded', () => {
    const rows = visibleTreeRows(forest, new Set(), 'kızıl');
    expect(names(rows)).toEqual(['Una IoT', '-ASKİ', '--Çankaya', '---Kızılay']);
    expect(rows.filter((r) => r.match).map((r) => r.node.id)).toEqual(['kiz']);
    expect(visibleTreeRows(forest, new Set(), 'nothing')).toEqual([]);
  });

  it('starts with the roots expanded and toggles, expands and collapses all', () => {
    const tree = createTreeState(() => forest);
    expect(names(tree.rows.value)).toEqual(['Una IoT', '-ASKİ', '-HATSU']);
    tree.toggle('aski');
    expect(tree.isExpanded('aski')).toBe(true);
    expect(tree.rows.value).toHaveLength(5);
    tree.toggle('root');
    expect(names(tree.rows.value)).toEqual(['Una IoT']);
    tree.expandAll();
    expect(tree.rows.value).toHaveLength(allTreeIds(forest).length);
    tree.collapseAll();
    expect(names(tree.rows.value)).toEqual(['Una IoT']);
  });
});
