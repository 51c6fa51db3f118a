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
  /** data-testid of the list's create link and of the record's edit link; id of the tenant filter. */
  testids: { create: string; edit: string; tenantFilter: string };
  keys: {
    title: string;
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
    testids: { create: 'customers-new', edit: 'customer-edit', tenantFilter: 'customers-filter-tenant' },
    keys: {
      title: 'customers.title',
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
    testids: { create: 'subscriptions-new', edit: 'subscription-edit', tenantFilter: 'subscriptions-filter-tenant' },
    keys: {
      title: 'subscriptions.title',
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
    testids: { create: 'meters-new', edit: 'meter-edit', tenantFilter: 'meters-filter-tenant' },
    keys: {
      title: 'meters.title',
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
    testids: { create: 'devices-new', edit: 'device-edit', tenantFilter: 'devices-filter-tenant' },
    keys: {
      title: 'devices.title',
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
