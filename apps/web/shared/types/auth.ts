import type { components } from '@water/api-client';

/** What the API's login and refresh endpoints answer; only the web server ever holds it. */
export type TokenPair = components['schemas']['TokenPairDto'];

/** GET /api/auth/me */
export type Me = components['schemas']['MeDto'];
export type SessionUser = Me['user'];
export type Membership = Me['memberships'][number];
/** A tenant the user may see; parentId may name a tenant outside the list (then it is a root for this user). */
export type VisibleTenant = Me['tenants'][number];

/** Error body of every API route (and of this server's own session routes); the OpenAPI document does not describe error bodies. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** `path` locates the field, e.g. ["memberships", 0, "tenantId"] (a dotted string is accepted too). */
  details?: { path: (string | number)[] | string; message: string }[];
}
