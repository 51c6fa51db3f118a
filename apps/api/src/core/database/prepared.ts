import type { Compilable } from 'kysely';
import type { Pool } from 'pg';

/** Statement names by SQL text: one per shape of a hot query (its optional filters), a handful each. */
const names = new Map<string, string>();
const NAMES_MAX = 1_000;

/** FNV-1a of the text, in base 36: names a statement by what it says, so two shapes never share a name. */
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/**
 * Runs a Kysely query as a named prepared statement: each pooled connection parses it once and then
 * only binds and executes it (PostgreSQL keeps the statement per connection; it re-plans it when the
 * role or the tables change). For the few statements every request of a hot route runs (B2, issue 22),
 * never for SQL whose text varies with its input (an IN list of any length would prepare a statement
 * per length on every connection); past NAMES_MAX shapes a query runs unnamed.
 */
export async function executePrepared<R>(pool: Pool, label: string, query: Compilable<R>): Promise<R[]> {
  const { sql, parameters } = query.compile();
  let name = names.get(sql);
  if (name === undefined && names.size < NAMES_MAX) names.set(sql, (name = `${label}-${sql.length.toString(36)}-${hashOf(sql)}`));
  const result = await pool.query<R & object>({ name, text: sql, values: parameters as unknown[] });
  return result.rows;
}
