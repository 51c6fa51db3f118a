import type { PermissionMatrix } from '@water/shared';
import type { UsersDetail } from '~/composables/useUsersApi';
import type { ApiBody } from '~/lib/api-client';
import type { FieldIssue, FieldIssues } from '~/lib/form-model';
import { emptyMatrix, isValidTcIdNo, PHONE_REGEX } from '@water/shared';
import { computed, reactive, ref } from 'vue';
import { changedEntries, snapshot } from '~/lib/form-model';
import { matrixEquals, normalizeMatrix, ungrantedRights } from '~/lib/permission-grid';

/** One tenant of the user with its role and matrix, as the form edits it. */
export interface UsersMembershipRow {
  /** Stable key for the list (the tenant may still be unchosen). */
  key: string;
  tenantId: string;
  role: string;
  permissions: PermissionMatrix;
  /** Stored already (else added in this form). */
  stored: boolean;
  /** The signed-in user may change it (USERS update at that tenant). */
  canManage: boolean;
}

/** What the user form edits (brief 2.8.2.3). */
export interface UsersFormValues {
  name: string;
  surname: string;
  phone: string;
  email: string;
  tcIdNo: string;
  password: string;
  isActive: boolean;
  memberships: UsersMembershipRow[];
}

export type UsersFormField = Exclude<keyof UsersFormValues, 'memberships'> | 'memberships' | `memberships.${number}`;

let rowKey = 0;
export function newMembershipRow(tenantId = ''): UsersMembershipRow {
  rowKey += 1;
  return { key: `new-${rowKey}`, tenantId, role: 'Member', permissions: emptyMatrix(), stored: false, canManage: true };
}

function valuesOf(user: UsersDetail | null | undefined, defaultTenantId: string): UsersFormValues {
  return {
    name: user?.name ?? '',
    surname: user?.surname ?? '',
    phone: user?.phone ?? '',
    email: user?.email ?? '',
    tcIdNo: user?.tcIdNo ?? '',
    password: '',
    isActive: user?.isActive ?? true,
    memberships: user
      ? user.memberships.map((m) => ({
          key: m.tenantId,
          tenantId: m.tenantId,
          role: m.role,
          permissions: normalizeMatrix(m.permissions),
          stored: true,
          canManage: m.canManage,
        }))
      : [newMembershipRow(defaultTenantId)],
  };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What is wrong with a TC ID No: 11 digits, first not 0, both check digits. A stored value that is not
 * changed is accepted as it is (legacy data never blocks an edit; BRIEF-NOTES).
 */
export function tcIdIssue(value: string, stored: string | null = null): FieldIssue | undefined {
  const text = value.trim();
  if (!text || (stored !== null && text === stored)) return undefined;
  if (!/^[1-9][0-9]{10}$/.test(text)) return { key: 'users.validation.tcIdLength' };
  if (!isValidTcIdNo(text)) return { key: 'users.validation.tcIdChecksum' };
  return undefined;
}

/** A password the API accepts: at least 8 characters with a letter and a digit. */
export function passwordIssue(value: string, required: boolean): FieldIssue | undefined {
  if (!value) return required ? { key: 'users.validation.required' } : undefined;
  if (value.length < 8) return { key: 'users.validation.passwordLength' };
  if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value)) return { key: 'users.validation.passwordMix' };
  return undefined;
}

/**
 * Client checks of the user form. `held(tenantId)` is what the signed-in user holds at a tenant: rows
 * they change may not grant more.
 */
export function validateUser(
  values: UsersFormValues,
  options: {
    creating: boolean;
    storedTcIdNo: string | null;
    held: (tenantId: string) => PermissionMatrix | null;
    initial?: UsersMembershipRow[];
  },
): FieldIssues<UsersFormField> {
  const issues: FieldIssues<UsersFormField> = {};
  const required = { key: 'users.validation.required' };
  if (!values.name.trim()) issues.name = required;
  if (!values.surname.trim()) issues.surname = required;
  if (!values.email.trim()) issues.email = required;
  else if (!EMAIL.test(values.email.trim())) issues.email = { key: 'users.validation.email' };
  if (values.phone.trim() && !PHONE_REGEX.test(values.phone.trim())) issues.phone = { key: 'users.validation.phone' };
  const tc = tcIdIssue(values.tcIdNo, options.storedTcIdNo);
  if (tc) issues.tcIdNo = tc;
  const password = passwordIssue(values.password, options.creating);
  if (password) issues.password = password;

  if (!values.memberships.length) issues.memberships = { key: 'users.validation.oneTenant' };
  const seen = new Set<string>();
  values.memberships.forEach((row, index) => {
    const before = options.initial?.find((m) => m.key === row.key);
    const changed = !before || before.role !== row.role || !matrixEquals(before.permissions, row.permissions);
    let issue: FieldIssue | undefined;
    if (!row.tenantId) issue = { key: 'users.validation.chooseTenant' };
    else if (seen.has(row.tenantId)) issue = { key: 'users.validation.duplicateTenant' };
    else if (!row.role.trim()) issue = { key: 'users.validation.role' };
    else if (changed && row.canManage && ungrantedRights(row.permissions, options.held(row.tenantId)).length)
      issue = { key: 'users.validation.notHeld' };
    if (issue) issues[`memberships.${index}`] = issue;
    if (row.tenantId) seen.add(row.tenantId);
  });
  return issues;
}

function userFields(values: UsersFormValues) {
  return {
    name: values.name.trim(),
    surname: values.surname.trim(),
    phone: values.phone.trim() || null,
    email: values.email.trim().toLowerCase(),
    tcIdNo: values.tcIdNo.trim() || null,
    isActive: values.isActive,
  };
}

/** POST /api/users body. */
export function createUserPayload(values: UsersFormValues): ApiBody<'/api/users', 'post'> {
  return {
    ...userFields(values),
    password: values.password,
    memberships: values.memberships.map((m) => ({
      tenantId: m.tenantId,
      role: m.role.trim(),
      permissions: normalizeMatrix(m.permissions),
    })),
  };
}

/** The membership calls an edit needs: PUT for added or changed rows, DELETE for removed ones (only those the user may manage). */
export function membershipChanges(initial: readonly UsersMembershipRow[], current: readonly UsersMembershipRow[]) {
  const upserts = current
    .filter((row) => row.canManage && row.tenantId)
    .filter((row) => {
      const before = initial.find((m) => m.stored && m.tenantId === row.tenantId);
      return !before || before.role !== row.role.trim() || !matrixEquals(before.permissions, row.permissions);
    })
    .map((row) => ({ tenantId: row.tenantId, role: row.role.trim(), permissions: normalizeMatrix(row.permissions) }));
  const removals = initial
    .filter((m) => m.stored && m.canManage && !current.some((row) => row.tenantId === m.tenantId))
    .map((m) => m.tenantId);
  return { upserts, removals };
}

/**
 * The tenant a new user's first membership starts at: the caller's current tenant when they may add users
 * there, but never the root tenant (a root membership sees every tenant; it must be chosen, not inherited
 * from where the admin happens to stand). Nothing otherwise: the field asks for a choice.
 */
export function defaultMembershipTenant(
  options: readonly { value: string; allowed: boolean }[],
  selectedTenantId: string | null | undefined,
  rootTenantId: string | null | undefined,
): string | undefined {
  if (!selectedTenantId || selectedTenantId === rootTenantId) return undefined;
  return options.find((o) => o.allowed && o.value === selectedTenantId)?.value;
}

export function createUserForm(
  user: UsersDetail | null,
  options: { defaultTenantId?: string; held: (tenantId: string) => PermissionMatrix | null },
) {
  const creating = !user;
  const start = () => valuesOf(user, options.defaultTenantId ?? '');
  const initial = ref(start());
  const values = reactive(start());
  const issues = computed(() =>
    validateUser(values, { creating, storedTcIdNo: user?.tcIdNo ?? null, held: options.held, initial: initial.value.memberships }),
  );

  function addMembership(tenantId = '') {
    values.memberships.push(newMembershipRow(tenantId));
  }
  function removeMembership(key: string) {
    values.memberships = values.memberships.filter((row) => row.key !== key);
  }

  return {
    values,
    creating,
    issues,
    valid: computed(() => Object.keys(issues.value).length === 0),
    dirty: computed(() => snapshot(values) !== snapshot(initial.value)),
    /** TC ID No as typed is complete and valid (for the inline tick). */
    tcIdValid: computed(() => /^[0-9]{11}$/.test(values.tcIdNo.trim()) && isValidTcIdNo(values.tcIdNo.trim())),
    addMembership,
    removeMembership,
    createPayload: () => createUserPayload(values),
    /** PATCH body of what changed, with the new password when one was typed. */
    userChanges: () => ({
      ...changedEntries(userFields(values), userFields(initial.value)),
      ...(values.password ? { password: values.password } : {}),
    }),
    membershipChanges: () => membershipChanges(initial.value.memberships, values.memberships),
  };
}

export type UsersFormModel = ReturnType<typeof createUserForm>;
