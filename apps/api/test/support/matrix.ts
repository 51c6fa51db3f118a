import { PERMISSION_MODULES } from '@water/shared';

/** A permission matrix from a compact spec: matrix({ METERS: 'r', USERS: 'crud' }); every module of the shared list. */
type Rights = 'r' | 'cr' | 'cru' | 'crud' | 'ru';
export function matrix(grants: Partial<Record<string, Rights>>) {
  return Object.fromEntries(
    PERMISSION_MODULES.map((m) => {
      const g = grants[m] ?? '';
      return [m, { create: g.includes('c'), read: g.includes('r'), update: g.includes('u'), delete: g.includes('d') }];
    }),
  );
}
