import type { PermissionMatrix } from '@water/shared';
import { emptyMatrix } from '@water/shared';
import { snapshot } from '~/lib/form-model';
import { ungrantedRights } from '~/lib/permission-grid';

/** What a new membership asks besides whose and where: a role and a Modules & Permissions Matrix. */
export interface MembershipValues {
  role: string;
  matrix: PermissionMatrix;
}

/** A new membership starts as a plain member with no rights. */
export function newMembership(): MembershipValues {
  return { role: 'Member', matrix: emptyMatrix() };
}

/** Which checks fail: an empty role, or rights the granting user does not hold where they are granted (`held`). */
export function membershipIssues(values: MembershipValues, held: PermissionMatrix | null): { role: boolean; matrix: boolean } {
  return { role: !values.role.trim(), matrix: ungrantedRights(values.matrix, held).length > 0 };
}

/** Whether any right was ticked: the role alone is not worth asking before closing. */
export function membershipTouched(values: MembershipValues): boolean {
  return snapshot(values.matrix) !== snapshot(emptyMatrix());
}

/** The body of PUT …/memberships/{tenantId}. */
export function membershipPayload(values: MembershipValues): { role: string; permissions: PermissionMatrix } {
  return { role: values.role.trim(), permissions: values.matrix };
}
