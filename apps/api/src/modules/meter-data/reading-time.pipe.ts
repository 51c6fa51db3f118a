import { Injectable, PipeTransform } from '@nestjs/common';
import { BadInputException } from '../../core/http/errors';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** A reading's time in a path: an ISO 8601 instant with its offset (e.g. 2025-12-08T04:00:00.000Z). */
@Injectable()
export class ReadingTimePipe implements PipeTransform<string, Date> {
  transform(value: string): Date {
    const time = ISO.test(value) ? new Date(value) : null;
    if (!time || Number.isNaN(time.getTime()))
      throw new BadInputException(`"${value.slice(0, 40)}" is not a reading time`, [
        { path: ['params', 'time'], message: 'must be an ISO 8601 date-time such as 2025-12-08T04:00:00.000Z' },
      ]);
    return time;
  }
}
