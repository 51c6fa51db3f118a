import { Injectable, PipeTransform } from '@nestjs/common';
import { BadInputException } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID-shaped string: check ids that come from outside (tokens, headers) before they reach SQL. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** Route ids are UUIDs; anything else is a 400 before any query runs. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value))
      throw new BadInputException(`"${value.slice(0, 60)}" is not a valid id`, [{ path: ['id'], message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}
