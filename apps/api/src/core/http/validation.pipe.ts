import { Injectable, type ArgumentMetadata } from '@nestjs/common';
import { ZodValidationException, ZodValidationPipe } from 'nestjs-zod';

/** Where a refused value came from, for messages about the request as a whole (an unknown query key). */
export const VALIDATION_LOCATION = Symbol('validation location');

/**
 * nestjs-zod's pipe, remembering which part of the request failed: a query with an unknown key used to be
 * reported as `body: Unrecognized key` (the error carried no location and the filter guessed `body`).
 */
/** Marks a validation error with the part of the request it is about. */
export function locate<E>(err: E, location: 'body' | 'query' | 'param' | 'request'): E {
  if (err instanceof ZodValidationException) (err as unknown as Record<symbol, string>)[VALIDATION_LOCATION] = location;
  return err;
}

@Injectable()
export class LocatedZodValidationPipe extends ZodValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): unknown {
    try {
      // A request without a body is an empty one: a route whose fields are all optional (acknowledging an
      // alarm, with an optional comment) takes none, and a route with required fields names them.
      return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
    } catch (err) {
      throw locate(err, metadata.type === 'custom' ? 'request' : metadata.type);
    }
  }
}
