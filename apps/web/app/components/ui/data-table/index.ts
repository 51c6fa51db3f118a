export { default as DataTable } from './DataTable.vue';
export { default as DataTablePagination } from './DataTablePagination.vue';
export { default as DataTableSearch } from './DataTableSearch.vue';
export { default as DataTableSkeletonRows } from './DataTableSkeletonRows.vue';
export { default as DataTableSortButton } from './DataTableSortButton.vue';

export type SortDirection = 'asc' | 'desc';

/** The aria-sort value of a column header, given the column's current direction (null: not sorted by it). */
export function ariaSort(direction: SortDirection | null | undefined): 'ascending' | 'descending' | 'none' {
  return direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none';
}

/** Number of pages for a total, never less than one. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/** First and last row numbers shown on a page (0–0 for an empty list). */
export function pageRange(page: number, pageSize: number, total: number): { from: number; to: number } {
  if (total <= 0) return { from: 0, to: 0 };
  const from = Math.min((page - 1) * pageSize + 1, total);
  return { from, to: Math.min(page * pageSize, total) };
}

/** Texts of the frame, translated by the caller (like DialogContent's closeLabel). */
export interface DataTableTexts {
  caption: string;
  search?: string;
  create?: string;
  empty: string;
  errorTitle: string;
  errorDescription?: string;
  retry: string;
  pagination: string;
  previous: string;
  next: string;
  /** Receives the first and last row numbers and the total: "31–60 / 128". */
  range: (from: number, to: number, total: number) => string;
  /** Receives the page and the page count: "Page 2 of 5". */
  pageOf: (page: number, pages: number) => string;
}
