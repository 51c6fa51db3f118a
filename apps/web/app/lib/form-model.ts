/** A validation message of a form model: an i18n key and its parameters, translated by the component. */
export interface FieldIssue {
  key: string;
  params?: Record<string, unknown>;
}

export type FieldIssues<F extends string = string> = Partial<Record<F, FieldIssue>>;

/** A stable text of a value for change detection: arrays of ids compare as sets. */
export function snapshot(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort() : v));
}

/** The entries of `current` whose value differs from `initial` (a PATCH body of only what changed). */
export function changedEntries<T extends Record<string, unknown>>(current: T, initial: T): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(current) as (keyof T)[]) {
    if (snapshot(current[key]) !== snapshot(initial[key])) changed[key] = current[key];
  }
  return changed;
}
