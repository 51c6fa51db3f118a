import type { ModulePermissions, PermissionAction, PermissionMatrix, PermissionModule } from '@water/shared';
import { PERMISSION_ACTIONS, PERMISSION_MODULES } from '@water/shared';

/**
 * Behaviour of the Modules & Permissions Matrix grid. Every function returns a new matrix.
 * Any write right implies read (the API and the database store it so): ticking a write right ticks
 * read, and unticking read unticks the write rights. A right can only be ticked when the signed-in
 * user holds it at that tenant (`held`; nobody grants more than they hold), but any right can be unticked.
 */
export const WRITE_ACTIONS = ['create', 'update', 'delete'] as const satisfies readonly PermissionAction[];

export type CheckState = boolean | 'indeterminate';

export function cloneMatrix(matrix: PermissionMatrix): PermissionMatrix {
  return Object.fromEntries(PERMISSION_MODULES.map((m) => [m, { ...matrix[m] }])) as PermissionMatrix;
}

/** A matrix from anything shaped like one: missing modules or rights are false, write rights bring read. */
export function normalizeMatrix(
  matrix: Partial<Record<PermissionModule, Partial<ModulePermissions>>> | null | undefined,
): PermissionMatrix {
  return Object.fromEntries(
    PERMISSION_MODULES.map((m) => {
      const row = matrix?.[m] ?? {};
      const rights = { create: !!row.create, read: !!row.read, update: !!row.update, delete: !!row.delete };
      rights.read ||= rights.create || rights.update || rights.delete;
      return [m, rights];
    }),
  ) as PermissionMatrix;
}

export function canGrant(held: PermissionMatrix | null | undefined, module: PermissionModule, action: PermissionAction): boolean {
  return held ? held[module][action] : true;
}

/** Whether a cell may be changed from its current value. */
export function isCellEditable(
  matrix: PermissionMatrix,
  held: PermissionMatrix | null | undefined,
  module: PermissionModule,
  action: PermissionAction,
): boolean {
  // Unticking is always allowed; ticking needs the right held (and read, which every write brings along).
  if (matrix[module][action]) return true;
  return canGrant(held, module, action) && (action === 'read' || canGrant(held, module, 'read'));
}

export function setRight(
  matrix: PermissionMatrix,
  module: PermissionModule,
  action: PermissionAction,
  value: boolean,
  held?: PermissionMatrix | null,
): PermissionMatrix {
  if (value && !isCellEditable(matrix, held, module, action)) return matrix;
  const next = cloneMatrix(matrix);
  const row = next[module];
  row[action] = value;
  if (value && action !== 'read') row.read = true;
  if (!value && action === 'read') for (const write of WRITE_ACTIONS) row[write] = false;
  return next;
}

/** Ticks every right of a module the user may grant, or unticks them all. */
export function setRow(
  matrix: PermissionMatrix,
  module: PermissionModule,
  value: boolean,
  held?: PermissionMatrix | null,
): PermissionMatrix {
  const next = cloneMatrix(matrix);
  for (const action of PERMISSION_ACTIONS) {
    if (!value) next[module][action] = false;
    else if (canGrant(held, module, action)) next[module][action] = true;
  }
  return normalizeMatrix(next);
}

/** Ticks one action on every module where the user may grant it, or unticks it everywhere. */
export function setColumn(
  matrix: PermissionMatrix,
  action: PermissionAction,
  value: boolean,
  held?: PermissionMatrix | null,
): PermissionMatrix {
  let next = matrix;
  for (const module of PERMISSION_MODULES) next = setRight(next, module, action, value, held);
  return next;
}

function stateOf(values: boolean[]): CheckState {
  if (values.every(Boolean)) return true;
  return values.some(Boolean) ? 'indeterminate' : false;
}

export function rowState(matrix: PermissionMatrix, module: PermissionModule): CheckState {
  return stateOf(PERMISSION_ACTIONS.map((a) => matrix[module][a]));
}

export function columnState(matrix: PermissionMatrix, action: PermissionAction): CheckState {
  return stateOf(PERMISSION_MODULES.map((m) => matrix[m][action]));
}

export function matrixEquals(a: PermissionMatrix, b: PermissionMatrix): boolean {
  return PERMISSION_MODULES.every((m) => PERMISSION_ACTIONS.every((x) => a[m][x] === b[m][x]));
}

/** Rights of `wanted` the user does not hold: saving them would be refused. */
export function ungrantedRights(
  wanted: PermissionMatrix,
  held: PermissionMatrix | null | undefined,
): { module: PermissionModule; action: PermissionAction }[] {
  if (!held) return [];
  return PERMISSION_MODULES.flatMap((module) =>
    PERMISSION_ACTIONS.filter((action) => wanted[module][action] && !held[module][action]).map((action) => ({ module, action })),
  );
}
