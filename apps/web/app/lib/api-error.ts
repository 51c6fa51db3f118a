import type { ApiErrorBody } from '#shared/types/auth';

/** What a failed call tells the UI: the HTTP status, the API's error body when there is one, Retry-After in seconds. */
export interface ApiFailure {
  status: number;
  body: ApiErrorBody | null;
  retryAfterSeconds: number | null;
}

interface FetchErrorLike {
  statusCode?: number;
  status?: number;
  data?: unknown;
  response?: { status?: number; headers?: Headers };
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return !!value && typeof value === 'object' && typeof (value as ApiErrorBody).message === 'string';
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The innermost field name of an error detail's path: ["memberships", 0, "tenantId"] and "a.b.email" give "tenantId" and "email". */
export function detailField(path: (string | number)[] | string): string {
  const segments = Array.isArray(path) ? path : path.split('.');
  return String(segments[segments.length - 1] ?? '');
}

export function toApiFailure(error: unknown): ApiFailure {
  const e = (error ?? {}) as FetchErrorLike;
  const status = e.response?.status ?? e.statusCode ?? e.status ?? 0;
  return {
    status,
    body: isErrorBody(e.data) ? e.data : null,
    retryAfterSeconds: parseRetryAfter(e.response?.headers?.get('retry-after')),
  };
}
