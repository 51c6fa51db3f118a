import type { PermissionMatrix } from '@water/shared';
import { emptyMatrix, fullMatrix } from '@water/shared';
import { describe, expect, it } from 'vitest';
import { membershipIssues, membershipPayload, membershipTouched, newMembership } from '~/lib/membership-form';

function metersOnly(): PermissionMatrix {
  const matrix = emptyMatrix();
  matrix.METERS = { create: true, read: true, update: true, delete: false };
  return matrix;
}

describe('a new membership (tenants/AddMemberDialog, users/AddMembershipDialog)', () => {
  it('starts as a member without rights, untouched and valid', () => {
    const values = newMembership();
    expect(values).toEqual({ role: 'Member', matrix: emptyMatrix() });
    expect(membershipTouched(values)).toBe(false);
    expect(membershipIssues(values, metersOnly())).toEqual({ role: false, matrix: false });
  });

  it('refuses a blank role and rights the granting user does not hold', () => {
    expect(membershipIssues({ role: '  ', matrix: emptyMatrix() }, metersOnly()).role).toBe(true);
    const values = { role: 'Operator', matrix: fullMatrix() };
    expect(membershipTouched(values)).toBe(true);
    expect(membershipIssues(values, metersOnly())).toEqual({ role: false, matrix: true });
    expect(membershipIssues({ role: 'Operator', matrix: metersOnly() }, metersOnly()).matrix).toBe(false);
  });

  it('sends the trimmed role with the matrix', () => {
    expect(membershipPayload({ role: ' Operator ', matrix: metersOnly() })).toEqual({ role: 'Operator', permissions: metersOnly() });
  });
});
