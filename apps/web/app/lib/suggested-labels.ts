/**
 * Texts of the values the console suggests for free-text fields (a tenant's plan type, a membership's
 * role): stored as typed, shown in the page's language when they are one of the suggestions, as typed
 * otherwise (useAssetFormat().label).
 */
export const PLAN_TYPE_LABELS: Record<'STANDARD' | 'PROFESSIONAL' | 'ENTERPRISE', string> = {
  STANDARD: 'tenants.planTypes.standard',
  PROFESSIONAL: 'tenants.planTypes.professional',
  ENTERPRISE: 'tenants.planTypes.enterprise',
};

export const ROLE_LABELS: Record<'Administrator' | 'Operator' | 'Viewer' | 'Member', string> = {
  Administrator: 'users.roles.administrator',
  Operator: 'users.roles.operator',
  Viewer: 'users.roles.viewer',
  Member: 'users.roles.member',
};
