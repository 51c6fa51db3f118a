import { z } from 'zod';

/** Default page size of the console's tables (brief 2.2.1.1: 30 records per page). */
export const DEFAULT_PAGE_SIZE = 30;

export const pageQueryShape = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(DEFAULT_PAGE_SIZE),
  search: z.string().trim().max(100).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
};

export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function skipTake(q: { page: number; pageSize: number }) {
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}

export const uuidParam = z.string().uuid({ message: 'must be a UUID' });
