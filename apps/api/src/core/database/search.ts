import { sql, type RawBuilder } from 'kysely';
import type { DatabaseService } from './database.service';
import { escapeLike } from './like';

/**
 * The one search rule of every list and filter (issue 21), defined in SQL by migration 0014:
 * `water_fold(text)` folds Turkish case (I, İ, ı and i all meet) and drops diacritics (ş→s, ü→u …),
 * and each searched table keeps its searchable fields folded in a generated `search_text` column
 * (trigram-indexed on the large tables). A search is `search_text LIKE '%' || folded term || '%'`,
 * the term folded by the same SQL function and its LIKE wildcards escaped, so 'YILMAZ' finds
 * 'Yılmaz', 'huseyin' finds 'Hüseyin', and '%' or '_' are characters, never wildcards.
 */

/** Tables whose rows the API's Kysely lists search through `water_search_ids` (migration 0014). */
export type SearchedTable = 'customer' | 'subscription' | 'meter' | 'device' | 'address';

/**
 * Kysely: the row `id` (of `table`) matches `term` under the search rule. The matching ids come from
 * `water_search_ids`, which reads the trigram index outside row-level security (under it PostgreSQL
 * may not use a LIKE as an index condition) and applies the caller's scope itself.
 */
export function matchesSearch(table: SearchedTable, id: `${string}.id` | `${string}_id`, term: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(id)} IN (SELECT water_search_ids(${table}::regclass, ${term}))`;
}

/** Kysely: the first field of `<alias>.search_text` equals `text` under the search rule (the address list's city). */
export function firstFieldEquals(searchText: `${string}.search_text`, text: string): RawBuilder<boolean> {
  return sql<boolean>`split_part(${sql.ref(searchText)}, E'\n', 1) = water_fold(${text})`;
}

/**
 * Prisma cannot call a function in a filter, so its queries compare the `searchText` field with the
 * term folded by the database beforehand (one round trip, the same SQL function as the column's).
 */
export async function foldSearch(database: DatabaseService, term: string): Promise<string> {
  const { rows } = await sql<{ folded: string }>`SELECT water_fold(${term}) AS folded`.execute(database.db);
  return rows[0].folded;
}

/** Prisma filter on `searchText`: some field contains the folded term, literally. */
export function searchTextContains(folded: string): { contains: string } {
  return { contains: escapeLike(folded) };
}
