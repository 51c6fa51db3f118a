import type { PermissionMatrix } from '@water/shared';

/** What the API's login and refresh endpoints answer; only the web server ever holds it. */
export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  surname: string;
  phone: string | null;
}

export interface Membership {
  tenantId: string;
  tenantName: string;
  role: string;
  permissions: PermissionMatrix;
}

/** A tenant the user may see; parentId may name a tenant outside the list (then it is a root for this user). */
export interface VisibleTenant {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
  permissions: PermissionMatrix;
}

/** GET /api/auth/me */
export interface Me {
  user: SessionUser;
  memberships: Membership[];
  tenants: VisibleTenant[];
}

/** Error body of every API route (and of this server's own session routes). */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** `path` locates the field, e.g. ["memberships", 0, "tenantId"] (a dotted string is accepted too). */
  details?: { path: (string | number)[] | string; message: string }[];
}
