import type { PermissionModule } from '@water/shared';
import type { Ref } from 'vue';
import type { ExportList } from '~/lib/list-export';

/** Where a filter's choices come from (AssetsAreaFilters turns each into translated options). */
export type AssetFilterSource =
  'statuses' | 'subscriptionTypes' | 'meterBrands' | 'deviceBrands' | 'deviceProfiles' | 'subscriptionGroups' | { yes: string; no: string };

/** One select of an asset table's filter bar besides the tenant: the URL's filter name, the control's id, label key. */
export interface AssetFilterConfig {
  name: string;
  id: string;
  label: string;
  source: AssetFilterSource;
}

/**
 * One asset area (customers, subscriptions, meters, devices) as its list, new, edit and detail pages
 * read it: the permission module, the path, the i18n keys of its page texts and the record's name.
 * The pages differ only in this data, so one set of components (AssetsAreaListPage, AssetsAreaNewPage,
 * AssetsAreaEditPage, AssetsAreaDetailPage) draws them all.
 */
export interface AssetArea {
  module: PermissionModule;
  path: string;
  exportList: ExportList;
  /** The record's field that names it, and the parameter the texts below take it as. */
  name: { field: string; param: string };
  /** Filters after the tenant filter. */
  filters: readonly AssetFilterConfig[];
  /** The record header's second line after the tenant: the record's profile (brand and model), or nothing. */
  subtitle?: 'profile';
  /** The list's columns (label keys), sortable when they name the API's sort key. */
  columns: readonly { label: string; sort?: string; class?: string }[];
  /** The create/edit form: the prefix of its control ids (`<id>-tenant`) and data-testid (`<id>-form`), its first section's title. */
  form: { id: string; general: string };
  /** data-testid of the table, the list's create link and the record's edit link; id of the tenant filter. */
  testids: { table: string; create: string; edit: string; tenantFilter: string };
  keys: {
    title: string;
    /** The table's line when the page has no row. */
    empty: string;
    subtitle: string;
    search: string;
    create: string;
    newSubtitle: string;
    backToList: string;
    backToRecord: string;
    editTitle: string;
    /** The record page's browser title; without it the record's name. */
    detailTitle?: string;
    deleteTitle: string;
    deleteDescription: string;
  };
}

const yes = { yes: 'assets.filters.yes', no: 'assets.filters.no' };

export const ASSET_AREAS = {
  customers: {
    module: 'CUSTOMERS',
    path: '/customers',
    exportList: 'customers',
    name: { field: 'displayName', param: 'name' },
    filters: [{ name: 'type', id: 'customers-filter-type', label: 'assets.filters.type', source: 'subscriptionTypes' }],
    columns: [
      { label: 'customers.columns.name', sort: 'name' },
      { label: 'customers.columns.type' },
      { label: 'customers.columns.identityNo', sort: 'identityNo' },
      { label: 'customers.columns.phone' },
      { label: 'customers.columns.email' },
      { label: 'customers.columns.subscriptions', sort: 'subscriptions', class: 'text-right' },
      { label: 'assets.columns.tenant' },
    ],
    form: { id: 'customer', general: 'customers.form.general' },
    testids: { table: 'customers-table', create: 'customers-new', edit: 'customer-edit', tenantFilter: 'customers-filter-tenant' },
    keys: {
      title: 'customers.title',
      empty: 'customers.empty',
      subtitle: 'customers.subtitle',
      search: 'customers.search',
      create: 'customers.new',
      newSubtitle: 'customers.form.newSubtitle',
      backToList: 'customers.backToList',
      backToRecord: 'customers.backToCustomer',
      editTitle: 'customers.form.editTitle',
      deleteTitle: 'customers.delete.title',
      deleteDescription: 'customers.delete.description',
    },
  },
  subscriptions: {
    module: 'SUBSCRIPTIONS',
    path: '/subscriptions',
    exportList: 'subscriptions',
    name: { field: 'subscriptionNo', param: 'subscriptionNo' },
    filters: [
      { name: 'type', id: 'subscriptions-filter-type', label: 'assets.filters.type', source: 'subscriptionTypes' },
      { name: 'groupId', id: 'subscriptions-filter-group', label: 'assets.filters.group', source: 'subscriptionGroups' },
      {
        name: 'hasMeter',
        id: 'subscriptions-filter-meter',
        label: 'subscriptions.filters.meter',
        source: { yes: 'subscriptions.filters.withMeter', no: 'subscriptions.filters.withoutMeter' },
      },
      {
        name: 'isActive',
        id: 'subscriptions-filter-active',
        label: 'subscriptions.filters.state',
        source: { yes: 'subscriptions.filters.active', no: 'subscriptions.filters.inactive' },
      },
    ],
    columns: [
      { label: 'subscriptions.columns.subscriptionNo', sort: 'subscriptionNo' },
      { label: 'subscriptions.columns.customer', sort: 'customer' },
      { label: 'subscriptions.columns.identityNo', sort: 'identityNo' },
      { label: 'subscriptions.columns.consumption', sort: 'consumption', class: 'text-right' },
      { label: 'subscriptions.columns.address' },
      { label: 'subscriptions.columns.meter' },
    ],
    form: { id: 'subscription', general: 'subscriptions.form.general' },
    testids: {
      table: 'subscriptions-table',
      create: 'subscriptions-new',
      edit: 'subscription-edit',
      tenantFilter: 'subscriptions-filter-tenant',
    },
    keys: {
      title: 'subscriptions.title',
      empty: 'subscriptions.empty',
      subtitle: 'subscriptions.subtitle',
      search: 'subscriptions.search',
      create: 'subscriptions.new',
      newSubtitle: 'subscriptions.form.newSubtitle',
      backToList: 'subscriptions.backToList',
      backToRecord: 'subscriptions.backToSubscription',
      editTitle: 'subscriptions.form.editTitle',
      detailTitle: 'subscriptions.detail.title',
      deleteTitle: 'subscriptions.delete.title',
      deleteDescription: 'subscriptions.delete.description',
    },
  },
  meters: {
    module: 'METERS',
    path: '/meters',
    exportList: 'meters',
    name: { field: 'serialNo', param: 'serialNo' },
    filters: [
      { name: 'status', id: 'meters-filter-status', label: 'assets.filters.status', source: 'statuses' },
      { name: 'brandId', id: 'meters-filter-brand', label: 'assets.filters.brand', source: 'meterBrands' },
      { name: 'hasDevice', id: 'meters-filter-device', label: 'meters.filters.hasDevice', source: yes },
      { name: 'hasSubscription', id: 'meters-filter-subscription', label: 'meters.filters.hasSubscription', source: yes },
    ],
    subtitle: 'profile',
    columns: [
      { label: 'meters.columns.serialNo', sort: 'serialNo' },
      { label: 'meters.columns.brandModel' },
      { label: 'assets.columns.tenant' },
      { label: 'assets.columns.status', sort: 'status' },
      { label: 'meters.columns.lastIndex', sort: 'lastIndexM3', class: 'text-right' },
      { label: 'meters.columns.lastReadingAt', sort: 'lastReadingAt' },
      { label: 'meters.columns.subscription' },
      { label: 'meters.columns.device' },
    ],
    form: { id: 'meter', general: 'meters.form.general' },
    testids: { table: 'meters-table', create: 'meters-new', edit: 'meter-edit', tenantFilter: 'meters-filter-tenant' },
    keys: {
      title: 'meters.title',
      empty: 'meters.empty',
      subtitle: 'meters.subtitle',
      search: 'meters.search',
      create: 'meters.new',
      newSubtitle: 'meters.form.newSubtitle',
      backToList: 'meters.backToList',
      backToRecord: 'meters.backToMeter',
      editTitle: 'meters.form.editTitle',
      detailTitle: 'meters.detail.title',
      deleteTitle: 'meters.delete.title',
      deleteDescription: 'meters.delete.description',
    },
  },
  devices: {
    module: 'DEVICES',
    path: '/devices',
    exportList: 'devices',
    name: { field: 'serialNo', param: 'serialNo' },
    filters: [
      { name: 'status', id: 'devices-filter-status', label: 'assets.filters.status', source: 'statuses' },
      { name: 'brandId', id: 'devices-filter-brand', label: 'assets.filters.brand', source: 'deviceBrands' },
      { name: 'deviceProfileId', id: 'devices-filter-profile', label: 'devices.filters.profile', source: 'deviceProfiles' },
      {
        name: 'attached',
        id: 'devices-filter-attached',
        label: 'devices.filters.attached',
        source: { yes: 'devices.filters.attachedYes', no: 'devices.filters.attachedNo' },
      },
    ],
    subtitle: 'profile',
    columns: [
      { label: 'devices.columns.serialNo', sort: 'serialNo' },
      { label: 'devices.columns.profile' },
      { label: 'devices.columns.networkId' },
      { label: 'assets.columns.tenant' },
      { label: 'assets.columns.status', sort: 'status' },
      { label: 'devices.columns.meter' },
      { label: 'devices.columns.lastSeenAt', sort: 'lastSeenAt' },
      { label: 'devices.columns.battery', sort: 'batteryPct' },
    ],
    form: { id: 'device', general: 'devices.form.general' },
    testids: { table: 'devices-table', create: 'devices-new', edit: 'device-edit', tenantFilter: 'devices-filter-tenant' },
    keys: {
      title: 'devices.title',
      empty: 'devices.empty',
      subtitle: 'devices.subtitle',
      search: 'devices.search',
      create: 'devices.new',
      newSubtitle: 'devices.form.newSubtitle',
      backToList: 'devices.backToList',
      backToRecord: 'devices.backToDevice',
      editTitle: 'devices.form.editTitle',
      detailTitle: 'devices.detail.title',
      deleteTitle: 'devices.delete.title',
      deleteDescription: 'devices.delete.description',
    },
  },
} as const satisfies Record<string, AssetArea>;

export type AssetAreaName = keyof typeof ASSET_AREAS;

/** The name of a record of the area (its display name, serial or subscription number). */
export function recordName(area: AssetArea, record: object): string {
  return String((record as Record<string, unknown>)[area.name.field] ?? '');
}

/** The parameters of the area's texts about one record: `{ name }`, `{ serialNo }` or `{ subscriptionNo }`. */
export function recordParams(area: AssetArea, record: object): Record<string, string> {
  return { [area.name.param]: recordName(area, record) };
}

/** An area's record composable (useCustomer, useMeter…) as the edit and detail pages call it. */
export type AssetRecordLoader<T> = (id: () => string) => {
  record: Ref<T | null | undefined>;
  error: Ref<unknown>;
  refresh: () => unknown;
};
