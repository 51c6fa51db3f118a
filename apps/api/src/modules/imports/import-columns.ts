import { FileError } from './import-file';
import { headerKey } from './import-values';

/** A column an import kind reads: its key, the headers it is known by (folded by headerKey), and whether a file must have it. */
export interface ColumnSpec {
  key: string;
  aliases: string[];
  required?: boolean;
}

/**
 * Where each column of `spec` is in the file's header. Fails the file naming every missing column and
 * the headers it found, and on a column given twice (which of the two would count?).
 */
export function locateColumns(header: string[], spec: ColumnSpec[], anyOf: string[][] = []): Map<string, number> {
  const keys = header.map(headerKey);
  const at = new Map<string, number>();
  for (const column of spec) {
    const names = new Set([column.key, ...column.aliases]);
    const found = keys.flatMap((k, i) => (names.has(k) ? [i] : []));
    if (found.length > 1)
      throw new FileError(`the column ${column.key} is given ${found.length} times (${found.map((i) => `"${header[i]}"`).join(', ')})`);
    if (found.length === 1) at.set(column.key, found[0]);
  }
  const missing = spec.filter((c) => c.required && !at.has(c.key)).map((c) => c.key);
  for (const group of anyOf) if (!group.some((k) => at.has(k))) missing.push(group.join(' or '));
  if (missing.length)
    throw new FileError(
      `missing columns: ${missing.join(', ')} (found: ${header.map((h) => `"${h.slice(0, 40)}"`).join(', ') || 'none'}); check the delimiter and the header row`,
    );
  return at;
}
