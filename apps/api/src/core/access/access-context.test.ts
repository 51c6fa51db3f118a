import { emptyMatrix, fullMatrix } from '@water/shared';
import { describe, expect, it } from 'vitest';
import { AccessContext } from './access-context';

const root = { id: 'root', name: 'Una IoT', parentId: null, path: 'r', depth: 1 };
const aski = { id: 'aski', name: 'ASKİ', parentId: 'root', path: 'r.a', depth: 2 };
const sub = { id: 'sub', name: 'ASKİ Çankaya', parentId: 'aski', path: 'r.a.c', depth: 3 };

describe('AccessContext', () => {
  it('gives rights held at a tenant to its descendants, not to its parent', () => {
    const readMeters = emptyMatrix();
    readMeters.METERS.read = true;
    const ctx = AccessContext.build(
      'u',
      's',
      [{ membershipId: 'm', tenantId: 'aski', tenantName: 'ASKİ', path: 'r.a', role: 'x', matrix: readMeters }],
      [aski, sub],
    );
    expect(ctx.can('METERS', 'read', 'sub')).toBe(true);
    expect(ctx.can('METERS', 'create', 'sub')).toBe(false);
    expect(ctx.canSee('root')).toBe(false);
    expect(ctx.tenantIds('METERS', 'read')).toEqual(['aski', 'sub']);
    expect(ctx.tenantIds('METERS', 'read', 'sub')).toEqual(['sub']);
    expect(() => ctx.tenantIds('METERS', 'read', 'root')).toThrow(/not found/);
  });

  it('answers 404 for invisible tenants and 403 for visible ones without the right', () => {
    const readMeters = emptyMatrix();
    readMeters.METERS.read = true;
    const ctx = AccessContext.build(
      'u',
      's',
      [{ membershipId: 'm', tenantId: 'aski', tenantName: 'ASKİ', path: 'r.a', role: 'x', matrix: readMeters }],
      [aski],
    );
    expect(() => ctx.require('METERS', 'create', 'aski')).toThrow(/may not create/);
    expect(() => ctx.require('METERS', 'read', 'root')).toThrow(/not found/);
    expect(() => ctx.require('CUSTOMERS', 'update', 'aski', 'customer')).toThrow(/customer not found/);
  });

  it('unites several memberships', () => {
    const readMeters = emptyMatrix();
    readMeters.METERS.read = true;
    const ctx = AccessContext.build(
      'u',
      's',
      [
        { membershipId: 'm1', tenantId: 'root', tenantName: 'Una IoT', path: 'r', role: 'x', matrix: readMeters },
        { membershipId: 'm2', tenantId: 'sub', tenantName: 'ASKİ Çankaya', path: 'r.a.c', role: 'y', matrix: fullMatrix() },
      ],
      [root, aski, sub],
    );
    expect(ctx.can('METERS', 'delete', 'sub')).toBe(true);
    expect(ctx.can('METERS', 'delete', 'aski')).toBe(false);
    expect(ctx.can('METERS', 'read', 'aski')).toBe(true);
  });
});
