import type { PermissionMatrix } from '@water/shared';
import type { Me, VisibleTenant } from '#shared/types/auth';
import { emptyMatrix, fullMatrix } from '@water/shared';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { TENANT_COOKIE, useSessionStore } from '~/stores/session';
import { cookieValue, resetCookies } from './support/nuxt-app';

function makeTenant(overrides: Partial<VisibleTenant> & { id: string }): VisibleTenant {
  return { name: overrides.id, parentId: null, depth: 0, permissions: emptyMatrix(), ...overrides };
}

function makeMe(tenants: VisibleTenant[]): Me {
  return {
    user: { id: 'u1', email: 'aski.yetkili@example.com', name: 'ASKİ', surname: 'Yetkili', phone: null },
    memberships: [],
    tenants,
  };
}

function readOnlyMeters(): PermissionMatrix {
  const matrix = emptyMatrix();
  matrix.METERS.read = true;
  return matrix;
}

describe('session store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    resetCookies();
  });

  it('grants nothing before anyone signs in', () => {
    const store = useSessionStore();
    expect(store.isSignedIn).toBe(false);
    expect(store.can('DASHBOARD', 'read')).toBe(false);
  });

  it('answers can() from the selected tenant matrix only', () => {
    const store = useSessionStore();
    store.setMe(
      makeMe([makeTenant({ id: 'aski', permissions: readOnlyMeters() }), makeTenant({ id: 'hatsu', permissions: fullMatrix() })]),
    );

    expect(store.selectedTenantId).toBe('aski');
    expect(store.can('METERS', 'read')).toBe(true);
    expect(store.can('METERS', 'update')).toBe(false);
    expect(store.can('USERS', 'read')).toBe(false);

    expect(store.selectTenant('hatsu')).toBe(true);
    expect(store.can('USERS', 'delete')).toBe(true);
  });

  it('keeps the selected tenant in its cookie and ignores tenants the user cannot see', () => {
    const store = useSessionStore();
    store.setMe(makeMe([makeTenant({ id: 'root' }), makeTenant({ id: 'aski', parentId: 'root' })]));

    expect(cookieValue(TENANT_COOKIE)).toBe('root');
    expect(store.selectTenant('aski')).toBe(true);
    expect(cookieValue(TENANT_COOKIE)).toBe('aski');
    expect(store.selectTenant('hatsu')).toBe(false);
    expect(store.selectedTenantId).toBe('aski');
  });

  it('falls back to the first visible tenant when the cookie names one no longer visible', () => {
    resetCookies({ [TENANT_COOKIE]: 'gone' });
    const store = useSessionStore();
    store.setMe(makeMe([makeTenant({ id: 'aski', permissions: fullMatrix() })]));

    expect(store.selectedTenantId).toBe('aski');
    expect(cookieValue(TENANT_COOKIE)).toBe('aski');
    expect(store.can('DASHBOARD', 'read')).toBe(true);
  });

  it('grants nothing once cleared', () => {
    const store = useSessionStore();
    store.setMe(makeMe([makeTenant({ id: 'aski', permissions: fullMatrix() })]));
    store.clear();

    expect(store.user).toBeNull();
    expect(store.can('DASHBOARD', 'read')).toBe(false);
  });
});
