/** A permission matrix from a compact spec: matrix({ METERS: 'r', USERS: 'crud' }). */
type Rights = 'r' | 'cr' | 'cru' | 'crud' | 'ru';
export function matrix(grants: Partial<Record<string, Rights>>) {
  const modules = [
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
  ];
  return Object.fromEntries(
    modules.map((m) => {
      const g = grants[m] ?? '';
      return [m, { create: g.includes('c'), read: g.includes('r'), update: g.includes('u'), delete: g.includes('d') }];
    }),
  );
}
