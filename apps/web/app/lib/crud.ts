import type { DataTableTexts, SortDirection } from '~/components/ui/data-table';
import type { ApiFailure } from '~/lib/api-error';

/** A column of a CrudListTable: sortable when it names the API's sort key; a `hidden` label is for screen readers only. */
export interface ListColumn<S extends string = string> {
  label: string;
  sort?: S;
  class?: string;
  hidden?: boolean;
}

/** A column of a plain table's CrudTableHeader: its label's i18n key; a `hidden` label is for screen readers only. */
export interface HeaderColumn {
  labelKey: string;
  class?: string;
  hidden?: boolean;
}

/** One labelled value of a CrudFacts grid; `strong` marks the one the others sum up to. */
export interface Fact {
  label: string;
  value: string | number;
  strong?: boolean;
  testid?: string;
}

/** The URL-bound list state a table drives (what bindListQuery returns). */
export interface ListBinding<S extends string> {
  state: { value: { search: string } };
  setSearch: (search: string) => unknown;
  setPage: (page: number) => unknown;
  sortBy: (sort: S) => unknown;
  directionOf: (sort: S) => SortDirection | null;
}

/** One page of a server-paged list, as a table shows it. */
export interface ListPage<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A fetched page with its state, as the list composables answer it (useDefinitionsPage, useProfilesPage…). */
export interface ListSource<T> {
  page: { readonly value: ListPage<T> | null };
  pending: { readonly value: boolean };
  error: { readonly value: unknown };
  refresh: () => unknown;
}

/** Texts of a CrudCatalogueTable besides the frame's, translated by the caller. */
export interface CatalogueTexts {
  table: DataTableTexts;
  actions: string;
  editItem: (name: string) => string;
  deleteItem: (name: string) => string;
  deleteTitle: (name: string) => string;
  deleteDescription: string;
  delete: string;
  cancel: string;
  failure: (failure: ApiFailure | null) => string | null;
}

/** Texts of a CrudFormDialog, translated by the caller. */
/** Texts of a CrudSecretDialog (a secret shown once), translated. */
export interface SecretDialogTexts {
  title: string;
  description: string;
  onceTitle: string;
  once: string;
  secret: string;
  done: string;
  close: string;
}

export interface FormDialogTexts {
  close: string;
  cancel: string;
  save: string;
  saving: string;
  /** Asked before closing with changes. */
  discardChanges: string;
  /** Asked by the browser before leaving the page with changes. */
  unsavedChanges: string;
  failure: (failure: ApiFailure | null) => string | null;
}

/** Texts of a CrudDetailHeader's edit and delete actions, translated by the caller. */
export interface DetailTexts {
  edit: string;
  delete: string;
  cancel: string;
  deleteTitle: string;
  deleteDescription: string;
  failure: (failure: ApiFailure | null) => string | null;
}

/** One text field of CrudTextFields: label and hint are i18n keys; `wide` spans two columns. */
export interface TextFieldSpec<K extends string> {
  key: K;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'tel';
  inputmode?: 'numeric' | 'decimal';
  autocomplete?: string;
  wide?: boolean;
}
