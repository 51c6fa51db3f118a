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

class AppException extends HttpException {
  constructor(status: HttpStatus, error: string, message: string, details: ErrorDetail[] = [], reason?: ApiErrorReason) {
    super({ statusCode: status, error, message, ...reason, details } satisfies ErrorBody, status);
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
