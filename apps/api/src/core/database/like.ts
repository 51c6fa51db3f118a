/**
 * LIKE escaping, so that what a user types is matched literally: "50%" finds the text "50%", "a_b"
 * does not find "axb", and "%" or "_" alone do not match everything. Searches of text a person
 * wrote (names, addresses, serial numbers) go through `search.ts` (Turkish case, no diacritics);
 * the helpers here are for exact comparisons (duplicate checks) and digits (phone, UAVT code).
 *
 * PostgreSQL's LIKE/ILIKE take backslash as their escape character by default (no ESCAPE clause
 * needed); Prisma's `contains`/`startsWith`/`endsWith` become LIKE/ILIKE with the value passed
 * through unescaped (Prisma 6 on PostgreSQL: its wildcards stay wildcards, verified by
 * test/input-hygiene.e2e.test.ts), so both query layers take the same escaped text.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Kysely: a LIKE pattern matching `search` anywhere, literally, case as given (digits, normalised values). */
export function likeExact(search: string): string {
  return `%${escapeLike(search)}%`;
}

/** Kysely: a LIKE pattern matching text that starts with `search`, literally (codes, digits). */
export function likePrefix(search: string): string {
  return `${escapeLike(search)}%`;
}

/** Prisma filter: the field contains `search` literally, case as given (digits, normalised values). */
export function containsExact(search: string): { contains: string } {
  return { contains: escapeLike(search) };
}

/**
 * Prisma filter: the field equals `text`, ignoring case. Prisma renders `equals` with
 * `mode: 'insensitive'` as ILIKE, unescaped: without this, "A_C" equals "ABC" (a false duplicate)
 * and a filter of "%" equals everything.
 */
export function equalsText(text: string): { equals: string; mode: 'insensitive' } {
  return { equals: escapeLike(text), mode: 'insensitive' };
}
