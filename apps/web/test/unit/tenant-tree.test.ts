import { describe, expect, it } from 'vitest';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';

const tenant = (id: string, name: string, parentId: string | null = null) => ({ id, name, parentId });

const rowsOf = (tenants: ReturnType<typeof tenant>[]) =>
  flattenTenantTree(buildTenantTree(tenants)).map((row) => `${'  '.repeat(row.level)}${row.tenant.name}`);

describe('tenant tree', () => {
  it('indents children under their parents, siblings sorted by name', () => {
    expect(
      rowsOf([
        tenant('root', 'Una IoT'),
        tenant('hatsu', 'HATSU', 'root'),
        tenant('aski', 'ASKİ', 'root'),
        tenant('aski-north', 'ASKİ Kuzey', 'aski'),
      ]),
    ).toEqual(['Una IoT', '  ASKİ', '    ASKİ Kuzey', '  HATSU']);
  });

  it('makes a tenant whose parent is hidden from the user a root', () => {
    expect(rowsOf([tenant('aski', 'ASKİ', 'root'), tenant('hatsu', 'HATSU', 'root'), tenant('aski-north', 'Kuzey', 'aski')])).toEqual([
      'ASKİ',
      '  Kuzey',
      'HATSU',
    ]);
  });

  it('orders names by Turkish collation', () => {
    expect(rowsOf([tenant('z', 'Zonguldak'), tenant('c', 'Çorum'), tenant('i', 'İzmir'), tenant('b', 'Bursa')])).toEqual([
      'Bursa',
      'Çorum',
      'İzmir',
      'Zonguldak',
    ]);
  });

  it('still lists every tenant once when the data holds a cycle', () => {
    const rows = rowsOf([tenant('a', 'A', 'b'), tenant('b', 'B', 'a')]);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.trim()))).toEqual(new Set(['A', 'B']));
  });

  it('returns nothing for no tenants', () => {
    expect(rowsOf([])).toEqual([]);
  });
});
