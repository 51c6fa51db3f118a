import type { PermissionMatrix, PermissionModule } from '@water/shared';
import { PERMISSION_ACTIONS, PERMISSION_MODULES } from '@water/shared';
import { matrixEquals, normalizeMatrix } from '~/lib/permission-grid';

/**
 * Role templates: a starting point for a membership's Modules & Permissions Matrix. Applying one fills
 * the matrix with the template's rights that the signed-in user holds (the API refuses anyone granting
 * more than they hold, so the console never offers it); the operator may then adjust single cells.
 */
export const ROLE_TEMPLATES = ['readOnly', 'fieldTechnician', 'billingClerk', 'customerService', 'tenantAdmin'] as const;
export type RoleTemplate = (typeof ROLE_TEMPLATES)[number];

type Rights = 'r' | 'cr' | 'cru' | 'crud';
const ALL_READ = Object.fromEntries(PERMISSION_MODULES.map((m) => [m, 'r'])) as Record<PermissionModule, Rights>;

/** Each template's rights per module (a module it leaves out gets none). */
const TEMPLATE_RIGHTS: Record<RoleTemplate, Partial<Record<PermissionModule, Rights>>> = {
  /** Sees every screen, changes nothing. */
  readOnly: ALL_READ,
  /** In the field: installs and swaps meters and devices, reads what they need around them. */
  fieldTechnician: {
    DASHBOARD: 'r',
    LIVE_READINGS: 'r',
    SUBSCRIPTIONS: 'r',
    CUSTOMERS: 'r',
    METERS: 'cru',
    DEVICES: 'cru',
    PROFILES: 'r',
    DEFINITIONS: 'r',
  },
  /** Tariffs, runs, invoices and payments, with read access to what billing rests on. */
  billingClerk: { DASHBOARD: 'r', LIVE_READINGS: 'r', SUBSCRIPTIONS: 'r', CUSTOMERS: 'r', METERS: 'r', BILLING: 'cru' },
  /** The front desk: customers and their subscriptions. */
  customerService: { DASHBOARD: 'r', LIVE_READINGS: 'r', SUBSCRIPTIONS: 'cru', CUSTOMERS: 'cru', METERS: 'r', DEVICES: 'r', BILLING: 'r' },
  /** Everything within the tenant. */
  tenantAdmin: Object.fromEntries(PERMISSION_MODULES.map((m) => [m, 'crud'])) as Record<PermissionModule, Rights>,
};

export const ROLE_TEMPLATE_LABELS: Record<RoleTemplate, string> = {
  readOnly: 'account.roleTemplates.readOnly',
  fieldTechnician: 'account.roleTemplates.fieldTechnician',
  billingClerk: 'account.roleTemplates.billingClerk',
  customerService: 'account.roleTemplates.customerService',
  tenantAdmin: 'account.roleTemplates.tenantAdmin',
};

/** The template's full matrix, before what the granting user holds is taken into account. */
export function templateMatrix(template: RoleTemplate): PermissionMatrix {
  const rights = TEMPLATE_RIGHTS[template];
  return normalizeMatrix(
    Object.fromEntries(
      PERMISSION_MODULES.map((m) => {
        const letters = rights[m] ?? '';
        return [
          m,
          { create: letters.includes('c'), read: letters.includes('r'), update: letters.includes('u'), delete: letters.includes('d') },
        ];
      }),
    ),
  );
}

/**
 * The matrix a template gives when granted by someone holding `held` (null: not limited): rights not
 * held are left out, and a write right without read cannot arise (read is implied and also clipped).
 */
export function applyRoleTemplate(template: RoleTemplate, held: PermissionMatrix | null | undefined): PermissionMatrix {
  const full = templateMatrix(template);
  if (!held) return full;
  const clipped = Object.fromEntries(
    PERMISSION_MODULES.map((m) => {
      const row = Object.fromEntries(PERMISSION_ACTIONS.map((a) => [a, full[m][a] && held[m][a]]));
      // Without read, a write right is not grantable at all (it would bring read along).
      if (!row.read) return [m, { create: false, read: false, update: false, delete: false }];
      return [m, row];
    }),
  );
  return normalizeMatrix(clipped as PermissionMatrix);
}

/** The template a matrix is exactly (as it would be granted by `held`), else null. */
export function templateOf(matrix: PermissionMatrix, held: PermissionMatrix | null | undefined): RoleTemplate | null {
  return ROLE_TEMPLATES.find((template) => matrixEquals(applyRoleTemplate(template, held), matrix)) ?? null;
}

/** Whether the grantor holds less than the template asks for (the console says the result is partial). */
export function templateClipped(template: RoleTemplate, held: PermissionMatrix | null | undefined): boolean {
  return !!held && !matrixEquals(applyRoleTemplate(template, held), templateMatrix(template));
}
