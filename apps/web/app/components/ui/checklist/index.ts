export { default as Checklist } from './Checklist.vue';

export interface ChecklistOption {
  value: string;
  label: string;
  /** Secondary text after the label. */
  hint?: string;
  /** Indentation level, for tree-shaped lists such as tenants. */
  level?: number;
  disabled?: boolean;
}

/** Options whose label or hint contains the filter text (case- and Turkish-dotted-I-insensitive). */
export function filterChecklistOptions(options: readonly ChecklistOption[], filter: string): ChecklistOption[] {
  const needle = filter.trim().toLocaleLowerCase('tr');
  if (!needle) return [...options];
  return options.filter((o) => `${o.label} ${o.hint ?? ''}`.toLocaleLowerCase('tr').includes(needle));
}
