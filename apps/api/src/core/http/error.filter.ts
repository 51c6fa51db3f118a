import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import type { FastifyReply } from 'fastify';
import type { ZodError } from 'zod';
import type { ApiErrorReason } from '@water/shared';
import { type ErrorBody, type ErrorDetail, reasonOfMessage, ServiceUnavailableException, TooManyRequestsException } from './errors';
import { VALIDATION_LOCATION } from './validation.pipe';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** PostgreSQL error codes (also surfaced by Prisma's pg adapter) that are the caller's fault. */
function fromDatabase(err: {
  code?: string;
  constraint?: string;
  detail?: string;
  message?: string;
  meta?: Record<string, unknown>;
}): ErrorBody | null {
  const code = err.code;
  const constraint = err.constraint ?? (err.meta?.constraint as string | undefined) ?? (err.meta?.target as string | undefined);
  const body = (status: number, message: string, reason: ApiErrorReason['code']): ErrorBody => ({
    statusCode: status,
    error: REASONS[status],
    message,
    code: reason,
    details: constraint ? [{ path: [String(constraint)], message, code: reason }] : [],
  });
  switch (code) {
    case '23505':
    case 'P2002':
      return body(409, `already exists (${describeConstraint(constraint)})`, 'alreadyExists');
    case '23P01': // an exclusion constraint: e.g. overlapping tariff versions or tiers
      return body(409, `overlaps another record (${describeConstraint(constraint)})`, 'overlaps');
    case '23001': // restrict_violation, raised by the billing triggers: issued invoices and money records are immutable
      return body(409, `cannot change a record that is final (${describeConstraint(constraint)})`, 'final');
    case '23503':
    case 'P2003':
      return body(409, `refers to or is referred to by another record (${describeConstraint(constraint)})`, 'referenced');
    case '23514':
    case 'P2004':
      return body(400, `breaks the rule ${describeConstraint(constraint)}`, 'breaksRule');
    case 'P2025':
      return { statusCode: 404, error: REASONS[404], message: 'not found', details: [] };
  }
  // A value the database could not take (class 22: bad uuid/number/date syntax, out of range, too
  // long, NUL in text, …). The database's sentence quotes the raw value (`invalid input syntax for
  // type uuid: "x' or 1=1--"`) and names its columns: neither goes back to the caller.
  if (code && (code.startsWith('22') || PRISMA_BAD_VALUE.has(code)))
    return { statusCode: 400, error: REASONS[400], message: 'invalid value', code: 'invalidValue', details: [] };
  return null;
}

/** Prisma's own codes for a value its column cannot take (too long, wrong type, out of range, bad uuid). */
const PRISMA_BAD_VALUE = new Set(['P2000', 'P2005', 'P2006', 'P2007', 'P2019', 'P2020', 'P2023']);

function describeConstraint(c: unknown): string {
  if (Array.isArray(c)) return c.join(', ');
  return typeof c === 'string' && c ? c : 'database rule';
}

function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
    ...zodReason(i),
  }));
}

type Issue = ZodError['issues'][number];

/**
 * The machine-readable reason of a schema refusal (packages/shared api-errors.ts), so a client can say it in its
 * own language: a known sentence's (reasonOfMessage), else the issue kind's. A `custom` issue (a refinement with its
 * own sentence) whose sentence is not known has none: its English message stands.
 */
export function zodReason(issue: Issue): ApiErrorReason | undefined {
  const i = issue as Issue & { origin?: string; maximum?: number | bigint; minimum?: number | bigint; values?: unknown[]; keys?: string[] };
  const limit = (n: number | bigint | undefined) => (typeof n === 'bigint' ? Number(n) : (n ?? 0));
  const known = reasonOfMessage(i.message);
  if (known) return known;
  switch (i.code) {
    case 'invalid_type':
      return / received undefined$/.test(i.message)
        ? { code: 'required' }
        : { code: 'wrongType', params: { expected: String(i.expected) } };
    case 'too_big':
      if (i.origin === 'string') return { code: 'tooLong', params: { max: limit(i.maximum) } };
      if (i.origin === 'array' || i.origin === 'set') return { code: 'tooMany', params: { max: limit(i.maximum) } };
      return { code: 'tooLarge', params: { max: limit(i.maximum) } };
    case 'too_small':
      if (i.origin === 'string')
        return limit(i.minimum) <= 1 ? { code: 'required' } : { code: 'tooShort', params: { min: limit(i.minimum) } };
      if (i.origin === 'array' || i.origin === 'set') return { code: 'tooFew', params: { min: limit(i.minimum) } };
      return { code: 'tooSmall', params: { min: limit(i.minimum) } };
    case 'invalid_value':
      return { code: 'notOneOf', params: { values: (i.values ?? []).map(String).join(', ') } };
    case 'invalid_format':
      return { code: 'badFormat' };
    case 'unrecognized_keys':
      return { code: 'unknownField', params: { keys: (i.keys ?? []).join(', ') } };
    default:
      return undefined;
  }
}

/** Maps every error to `{ statusCode, error, message, details[] }`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (exception instanceof TooManyRequestsException || exception instanceof ServiceUnavailableException)
      reply.header('Retry-After', String(exception.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof ZodValidationException) {
      const details = zodDetails(exception.getZodError() as ZodError);
      const first = details[0];
      return {
        statusCode: 400,
        error: REASONS[400],
        message: first
          ? `${first.path.join('.') || ((exception as unknown as Record<symbol, string | undefined>)[VALIDATION_LOCATION] ?? 'request')}: ${first.message}`
          : 'invalid request',
        details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      if (typeof res === 'object' && res && 'details' in res) return res as ErrorBody;
      const message =
        typeof res === 'string'
          ? res
          : Array.isArray((res as { message?: unknown }).message)
            ? String((res as { message: string[] }).message.join('; '))
            : String((res as { message?: string }).message ?? exception.message);
      return { statusCode: status, error: REASONS[status] ?? 'Error', message, details: [] };
    }
    const err = exception as { statusCode?: number; code?: string; message?: string; name?: string };
    // Fastify's own errors: bad JSON, wrong content type, body too large.
    if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return { statusCode: err.statusCode, error: REASONS[err.statusCode] ?? 'Error', message: err.message ?? 'bad request', details: [] };
    }
    const db = err && typeof err === 'object' ? fromDatabase(err) : null;
    if (db) return db;
    // Prisma wraps driver errors (P2010's meta, or a bare DriverAdapterError's cause); look one level down.
    type DriverCause = { originalCode?: string; constraint?: unknown };
    const wrapped = err as { cause?: DriverCause; meta?: { driverAdapterError?: { cause?: DriverCause } } };
    const cause = wrapped?.meta?.driverAdapterError?.cause ?? (err?.name === 'DriverAdapterError' ? wrapped.cause : undefined);
    if (cause?.originalCode) {
      const inner = fromDatabase({ code: cause.originalCode, constraint: JSON.stringify(cause.constraint), message: err.message });
      if (inner) return inner;
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: REASONS[500], message: 'internal error', details: [] };
  }
}
