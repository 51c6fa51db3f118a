import type { PermissionMatrix } from '@water/shared';
import type { TenantsDetail } from '~/composables/useTenantsApi';
import type { UsersDetail } from '~/composables/useUsersApi';
import { emptyMatrix, fullMatrix } from '@water/shared';
import { describe, expect, it } from 'vitest';
import { addressPayload, createTenantForm, tenantFormShape, validateTenant } from '~/lib/tenant-form';
import { createUserForm, membershipChanges, passwordIssue, tcIdIssue } from '~/lib/user-form';

function metersOnly(): PermissionMatrix {
  const matrix = emptyMatrix();
  matrix.METERS = { create: true, read: true, update: true, delete: false };
  return matrix;
}

function makeUser(overrides: Partial<UsersDetail> = {}): UsersDetail {
  return {
    id: 'u1',
    name: 'ASKİ',
    surname: 'Yetkili',
    email: 'aski.yetkili@example.com',
    phone: '+908887776655',
    isActive: true,
    lastLoginAt: null,
    tenants: [],
    tcIdNo: '12345678902',
    createdAt: '2025-01-01T00:00:00.000Z',
    memberships: [
      { tenantId: 'aski', tenantName: 'ASKİ', role: 'Administrator', permissions: metersOnly(), canManage: true },
      { tenantId: 'hatsu', tenantName: 'HATSU', role: 'Viewer', permissions: emptyMatrix(), canManage: false },
    ],
    activity: { lastLoginAt: null, logins: [], actions: [] },
    ...overrides,
  };
}

const heldEverything = () => fullMatrix();

describe('TC ID No and password checks', () => {
  it('checks length, leading zero and both check digits', () => {
    expect(tcIdIssue('')).toBeUndefined();
    expect(tcIdIssue('10000000146')).toBeUndefined();
    expect(tcIdIssue('1234567890')?.key).toBe('users.validation.tcIdLength');
    expect(tcIdIssue('02345678950')?.key).toBe('users.validation.tcIdLength');
    expect(tcIdIssue('12345678901')?.key).toBe('users.validation.tcIdChecksum');
  });

  it('accepts a stored legacy TC ID No as long as it is not changed', () => {
    expect(tcIdIssue('12345678902', '12345678902')).toBeUndefined();
    expect(tcIdIssue('12345678903', '12345678902')?.key).toBe('users.validation.tcIdChecksum');
  });

  it('wants 8 characters with a letter and a digit, and a password only when creating', () => {
    expect(passwordIssue('', true)?.key).toBe('users.validation.required');
    expect(passwordIssue('', false)).toBeUndefined();
    expect(passwordIssue('Asdf123', true)?.key).toBe('users.validation.passwordLength');
    expect(passwordIssue('asdfasdf', true)?.key).toBe('users.validation.passwordMix');
    expect(passwordIssue('Asdf1234.', true)).toBeUndefined();
  });
});

describe('user form', () => {
  it('starts a new user with one membership in the default tenant and asks for the essentials', () => {
    const form = createUserForm(null, { defaultTenantId: 'aski', held: heldEverything });
    expect(form.values.memberships).toHaveLength(1);
    expect(form.values.memberships[0]).toMatchObject({ tenantId: 'aski', role: 'Member', stored: false, canManage: true });
    expect(Object.keys(form.issues.value).sort()).toEqual(['email', 'name', 'password', 'surname']);
  });

  it('refuses a duplicate tenant, a missing tenant and rights the user does not hold', () => {
    const form = createUserForm(null, { defaultTenantId: 'aski', held: () => metersOnly() });
    Object.assign(form.values, { name: 'A', surname: 'B', email: 'a@b.co', password: 'Asdf1234' });
    form.values.memberships[0]!.permissions = fullMatrix();
    form.addMembership('aski');
    form.addMembership();
    expect(form.issues.value['memberships.0']?.key).toBe('users.validation.notHeld');
    expect(form.issues.value['memberships.1']?.key).toBe('users.validation.duplicateTenant');
    expect(form.issues.value['memberships.2']?.key).toBe('users.validation.chooseTenant');
  });

  it('builds the create body with normalized matrices', () => {
    const form = createUserForm(null, { defaultTenantId: 'aski', held: heldEverything });
    Object.assign(form.values, {
      name: ' Ayşe ',
      surname: 'Yılmaz',
      email: 'Ayse@Example.com',
      password: 'Asdf1234',
      tcIdNo: '10000000146',
    });
    form.values.memberships[0]!.permissions.METERS.update = true;
    const body = form.createPayload() as { email: string; name: string; phone: null; memberships: { permissions: PermissionMatrix }[] };
    expect(body).toMatchObject({ name: 'Ayşe', email: 'ayse@example.com', phone: null, tcIdNo: '10000000146', isActive: true });
    expect(body.memberships[0]!.permissions.METERS).toEqual({ create: false, read: true, update: true, delete: false });
  });

  it('edits only what changed and keeps memberships it may not manage', () => {
    const form = createUserForm(makeUser(), { held: heldEverything });
    expect(form.valid.value).toBe(true);
    expect(form.dirty.value).toBe(false);
    form.values.phone = '';
    form.values.password = 'Yeni1234';
    expect(form.userChanges()).toEqual({ phone: null, password: 'Yeni1234' });
    form.values.memberships[0]!.permissions.DEVICES.read = true;
    form.removeMembership('hatsu');
    expect(form.membershipChanges()).toEqual({
      upserts: [
        {
          tenantId: 'aski',
          role: 'Administrator',
          permissions: expect.objectContaining({ DEVICES: { create: false, read: true, update: false, delete: false } }),
        },
      ],
      removals: [],
    });
  });

  it('turns added, changed and removed rows into PUT and DELETE calls', () => {
    const initial = createUserForm(makeUser(), { held: heldEverything }).values.memberships;
    const current = [
      { ...initial[0]!, role: 'Operator' },
      { key: 'n1', tenantId: 'sub', role: 'Member', permissions: emptyMatrix(), stored: false, canManage: true },
    ];
    const { upserts, removals } = membershipChanges(initial, current);
    expect(upserts.map((u) => [u.tenantId, u.role])).toEqual([
      ['aski', 'Operator'],
      ['sub', 'Member'],
    ]);
    // HATSU is not managed by the signed-in user: leaving it out of the list never deletes it.
    expect(removals).toEqual([]);
    expect(membershipChanges(initial, [initial[1]!]).removals).toEqual(['aski']);
  });
});

function makeTenant(overrides: Partial<TenantsDetail> = {}): TenantsDetail {
  return {
    id: 'aski',
    parentId: 'root',
    parentName: 'Una IoT',
    isRoot: false,
    name: 'ASKİ',
    contactName: 'Hakan',
    contactSurname: 'Özer',
    contactPhone: '+903125551185',
    contactEmail: 'sayac@aski.example.com',
    taxId: '6588673769',
    taxOffice: 'Ulus',
    address: null,
    planType: 'ENTERPRISE',
    planStatus: 'ACTIVE',
    timeZone: 'Europe/Istanbul',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    stats: { users: 1, meters: 0, devices: 0, customers: 0, subscriptions: 0, activeAlarms: 0, childTenants: 0 },
    users: [],
    allowedMeterProfiles: [{ id: 'mp1', brand: 'Baylan', modelCode: 'KT-15' }],
    allowedDeviceProfiles: [],
    ...overrides,
  };
}

describe('tenant form', () => {
  it('knows which parts apply: root, hidden parent, ordinary', () => {
    expect(tenantFormShape(null)).toEqual({ withParent: true, withProfiles: true });
    expect(tenantFormShape(makeTenant({ isRoot: true, parentId: null }))).toEqual({ withParent: false, withProfiles: false });
    expect(tenantFormShape(makeTenant({ parentId: null }))).toEqual({ withParent: false, withProfiles: true });
  });

  it('checks tax id, phone, email, time zone and the address', () => {
    const form = createTenantForm(makeTenant());
    expect(form.valid.value).toBe(true);
    Object.assign(form.values, { taxId: '1234567891', contactPhone: '05321234567', contactEmail: 'x@', timeZone: 'Mars/Base' });
    Object.assign(form.values.address, { postalCode: '6050', latitude: '39.9' });
    const issues = validateTenant(form.values, form.shape);
    expect(issues.taxId?.key).toBe('tenants.validation.taxId');
    expect(issues.contactPhone?.key).toBe('tenants.validation.phone');
    expect(issues.contactEmail?.key).toBe('tenants.validation.email');
    expect(issues.timeZone?.key).toBe('tenants.validation.timeZone');
    expect(issues['address.postalCode']?.key).toBe('tenants.validation.postalCode');
    expect(issues['address.longitude']?.key).toBe('tenants.validation.coordinates');
  });

  it('asks for a parent only for a new tenant', () => {
    expect(createTenantForm(null).issues.value.parentId?.key).toBe('tenants.validation.choose');
    expect(createTenantForm(null, { parentId: 'root' }).issues.value.parentId).toBeUndefined();
  });

  it('sends no address when every field is empty, numbers for coordinates otherwise', () => {
    const empty = createTenantForm(null).values.address;
    expect(addressPayload(empty)).toBeNull();
    expect(addressPayload({ ...empty, city: 'Ankara', latitude: '39,9455', longitude: '32.847' })).toMatchObject({
      city: 'Ankara',
      latitude: 39.9455,
      longitude: 32.847,
      street: null,
    });
  });

  it('edits only what changed and never sends a parent or profiles it does not show', () => {
    const form = createTenantForm(makeTenant());
    form.values.allowedMeterProfileIds.push('mp2');
    form.values.contactPhone = '';
    expect(form.changes()).toEqual({ contactPhone: null, allowedMeterProfileIds: ['mp1', 'mp2'] });
    const root = createTenantForm(makeTenant({ isRoot: true, parentId: null }));
    root.values.name = 'Una IoT A.Ş.';
    expect(root.payload()).not.toHaveProperty('parentId');
    expect(root.payload()).not.toHaveProperty('allowedMeterProfileIds');
    expect(root.changes()).toEqual({ name: 'Una IoT A.Ş.' });
  });
});
