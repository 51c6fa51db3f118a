/** Modules of the Modules & Permissions Matrix: the brief's navigation modules (BRIEF-NOTES), and billing (issue 18). */
export const PERMISSION_MODULES = [
  'DASHBOARD',
  'LIVE_READINGS',
  'SUBSCRIPTIONS',
  'CUSTOMERS',
  'METERS',
  'DEVICES',
  'PROFILES',
  'DEFINITIONS',
  'TENANTS',
  'USERS',
  'BILLING',
] as const;
export type PermissionModule = (typeof PERMISSION_MODULES)[number];

export const PERMISSION_ACTIONS = ['create', 'read', 'update', 'delete'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

/** One row of the matrix: which actions a membership grants on a module. */
export type ModulePermissions = Record<PermissionAction, boolean>;
export type PermissionMatrix = Record<PermissionModule, ModulePermissions>;

export function emptyMatrix(): PermissionMatrix {
  return Object.fromEntries(
    PERMISSION_MODULES.map((m) => [m, { create: false, read: false, update: false, delete: false }]),
  ) as PermissionMatrix;
}

export function fullMatrix(): PermissionMatrix {
  return Object.fromEntries(
    PERMISSION_MODULES.map((m) => [m, { create: true, read: true, update: true, delete: true }]),
  ) as PermissionMatrix;
}

/** True when `held` grants everything `wanted` grants (nobody grants more than they hold). */
export function matrixCovers(held: PermissionMatrix, wanted: PermissionMatrix): boolean {
  return PERMISSION_MODULES.every((m) => PERMISSION_ACTIONS.every((a) => !wanted[m][a] || held[m][a]));
}

export function can(matrix: PermissionMatrix | undefined, module: PermissionModule, action: PermissionAction): boolean {
  return Boolean(matrix?.[module]?.[action]);
}
