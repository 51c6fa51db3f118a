import { HttpException, HttpStatus } from '@nestjs/common';
import type { ApiErrorCode, ApiErrorParams, ApiErrorReason } from '@water/shared';

/**
 * One problem with one field of a request: `path` is the field's location, e.g. ["memberships", 0, "tenantId"].
 * `code`/`params` (packages/shared api-errors.ts) let a client show the reason in its own language.
 */
export interface ErrorDetail {
  path: (string | number)[];
  message: string;
  code?: ApiErrorCode;
  params?: ApiErrorParams;
}

/** The error body every route answers with; `code`/`params` when the reason has a machine-readable form. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: ApiErrorCode;
  params?: ApiErrorParams;
  details: ErrorDetail[];
}

/**
 * The field sentences services and schemas write by hand, by their reason: a detail thrown without a code gets
 * one here, so the console can say it in the page's language without each call site naming it.
 */
const KNOWN_DETAILS: Record<string, ApiErrorReason> = {
  required: { code: 'required' },
  'is required': { code: 'required' },
  'is empty': { code: 'required' },
  'must be a UUID': { code: 'badFormat' },
  'must be an ISO 8601 date-time with a time zone, e.g. 2025-12-08T07:18:55+03:00': { code: 'badFormat' },
  'must be a whole number of days': { code: 'badFormat' },
  'must be true or false': { code: 'wrongType', params: { expected: 'boolean' } },
  'must be a number': { code: 'wrongType', params: { expected: 'number' } },
  'must be INDIVIDUAL or ORGANIZATIONAL': { code: 'notOneOf', params: { values: 'INDIVIDUAL, ORGANIZATIONAL' } },
  'must be tr or en': { code: 'notOneOf', params: { values: 'tr, en' } },
  'from must be before to': { code: 'rangeOrder' },
  'must be after from': { code: 'rangeOrder' },
  'from is after to': { code: 'rangeOrder' },
  'ends after it starts': { code: 'rangeOrder' },
  'on or after from': { code: 'rangeOrder' },
  'not before to': { code: 'rangeOrder' },
  'check digits do not match': { code: 'checkDigits' },
  'appears twice': { code: 'duplicate' },
  'an event type appears twice': { code: 'duplicate' },
  'in the future': { code: 'inFuture' },
  'lies in the future': { code: 'inFuture' },
  'wrong password': { code: 'wrongPassword' },
};

/** The reason of a hand-written field sentence: a known one, "not a … of this tenant", "no such …". */
export function reasonOfMessage(message: string): ApiErrorReason | undefined {
  const known = KNOWN_DETAILS[message];
  if (known) return known;
  if (/^not an? [\w ]+ of this tenant$/.test(message)) return { code: 'notOfTenant' };
  if (/^no such [\w ]+$/.test(message)) return { code: 'unknownRef' };
  return undefined;
}

const withReason = (d: ErrorDetail): ErrorDetail => (d.code ? d : { ...d, ...reasonOfMessage(d.message) });

class AppException extends HttpException {
  constructor(status: HttpStatus, error: string, message: string, details: ErrorDetail[] = [], reason?: ApiErrorReason) {
    super({ statusCode: status, error, message, ...reason, details: details.map(withReason) } satisfies ErrorBody, status);
  }
}

export class BadInputException extends AppException {
  constructor(message: string, details: ErrorDetail[] = [], reason?: ApiErrorReason) {
    super(HttpStatus.BAD_REQUEST, 'Bad Request', message, details, reason);
  }
}

export class NotAuthenticatedException extends AppException {
  constructor(message = 'authentication required') {
    super(HttpStatus.UNAUTHORIZED, 'Unauthorized', message);
  }
}

export class ForbiddenActionException extends AppException {
  /** `details` names the refused fields, e.g. [{ path: ['planType'], … }]. */
  constructor(message = 'you do not have the right to do this', details: ErrorDetail[] = []) {
    super(HttpStatus.FORBIDDEN, 'Forbidden', message, details);
  }
}

/** Also used for objects of tenants the caller cannot see, so their existence does not leak. */
export class EntityNotFoundException extends AppException {
  constructor(entity: string, id?: string) {
    super(HttpStatus.NOT_FOUND, 'Not Found', id ? `${entity} ${id} not found` : `${entity} not found`);
  }
}

export class ConflictException extends AppException {
  constructor(message: string, details: ErrorDetail[] = [], reason?: ApiErrorReason) {
    super(HttpStatus.CONFLICT, 'Conflict', message, details, reason);
  }

  /** A value that must be unique is taken: `alreadyExists` on the body and on the field at `path`. */
  static alreadyExists(message: string, path: (string | number)[], detail = 'already exists'): ConflictException {
    return new ConflictException(message, [{ path, message: detail, code: 'alreadyExists' }], { code: 'alreadyExists' });
  }
}

export class TooManyRequestsException extends AppException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests', message);
  }
}

/** The service is saturated (e.g. the uplink backlog): the caller should retry after the given delay. */
export class ServiceUnavailableException extends AppException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable', message);
  }
}

/** The request body is in a media type or charset the API does not take (it takes UTF-8 JSON). */
/** An upload past its limit (imports: IMPORT_MAX_BYTES). */
export class PayloadTooLargeException extends AppException {
  constructor(message: string) {
    super(HttpStatus.PAYLOAD_TOO_LARGE, 'Payload Too Large', message);
  }
}

export class UnsupportedMediaTypeException extends AppException {
  constructor(message: string) {
    super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Unsupported Media Type', message);
  }
}
