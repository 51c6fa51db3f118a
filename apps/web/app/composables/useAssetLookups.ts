import type { PermissionAction, PermissionModule } from '@water/shared';
import type { VisibleTenant } from '#shared/types/auth';
import type { ApiQuery, ApiSchema } from '~/lib/api-client';
import type { DetailTexts } from '~/lib/crud';
import type { ListQuerySpec } from '~/lib/list-query';
import { DEFAULT_TIME_ZONE } from '@water/shared';
import { unwrap } from '~/lib/api-client';
import { assetFailureMessage } from '~/lib/asset-errors';
import { labelKey } from '~/lib/enum-labels';
import { createSubmitState, failureMessage } from '~/lib/form-errors';
import { bindListQuery } from '~/lib/list-query';
import { buildTenantTree, flattenTenantTree } from '~/lib/tenant-tree';
import { useUnsavedChanges } from '~/lib/unsaved-changes';
import { useNoticeStore } from '~/stores/notice';
import { useSessionStore } from '~/stores/session';

/**
 * Lookups and shared page state of the subscription, customer, meter and device pages: tenant
 * choices, brand / group / profile lists, URL-bound list state, formatting and the unsaved-changes guard.
 */

/** A choice of a searchable select (components/assets/SearchSelect.vue). */
export interface SearchOption {
  value: string;
  label: string;
  /** Secondary text (a customer's TC ID, a meter's brand) */
  hint?: string;
}

export interface TenantOption {
  id: string;
  name: string;
  level: number;
}

/** The selected tenant and the tenants below it that the user sees (the lists show that subtree). */
function subtreeOf(tenants: readonly VisibleTenant[], rootId: string | null): VisibleTenant[] {
  if (!rootId) return [];
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const within = (t: VisibleTenant) => {
    for (
      let cur: VisibleTenant | undefined = t, hops = 0;
      cur && hops < 64;
      cur = cur.parentId ? byId.get(cur.parentId) : undefined, hops++
    ) {
      if (cur.id === rootId) return true;
    }
    return false;
  };
  return tenants.filter(within);
}

/** Tenants of the selected subtree where the user holds `module`/`action`, as an indented list. */
export function useAssetTenants(module: PermissionModule, action: PermissionAction = 'read') {
  const store = useSessionStore();
  const options = computed<TenantOption[]>(() => {
    const subtree = subtreeOf(store.tenants, store.selectedTenantId);
    const rows = flattenTenantTree(buildTenantTree(subtree));
    return rows
      .filter((r) => r.tenant.permissions[module]?.[action])
      .map((r) => ({ id: r.tenant.id, name: r.tenant.name, level: r.level }));
  });
  /** The tenant a new record goes to by default: the selected one when allowed there, else the first allowed. */
  const defaultId = computed(() => options.value.find((o) => o.id === store.selectedTenantId)?.id ?? options.value[0]?.id ?? null);
  return { options, defaultId, selectedTenantId: computed(() => store.selectedTenantId) };
}

export type BrandOption = ApiSchema<'BrandDto'>;
export type SubscriptionGroupOption = ApiSchema<'SubscriptionGroupDto'>;
export type MeterProfileOption = ApiSchema<'MeterProfilePageDto'>['items'][number];
export type DeviceProfileOption = ApiSchema<'DeviceProfilePageDto'>['items'][number];

// Catalogue lists are short; one page of the API's largest size holds them.
const ALL = { page: 1, pageSize: 200 } as const;

/**
 * Meter or device brands (brief 1.12, 1.13) for the list filters: only the brands the selected tenant's meters
 * or devices are of (issue 21), not the whole catalogue.
 */
export function useAssetBrands(kind: 'meter' | 'device') {
  const { $api } = useNuxtApp();
  const store = useSessionStore();
  const { data, error } = useAsyncData(
    () => `assets:brands:${kind}:${store.selectedTenantId ?? ''}`,
    async (): Promise<{ id: string; name: string }[]> => {
      const query = store.selectedTenantId ? { tenantId: store.selectedTenantId } : {};
      return unwrap(
        kind === 'meter'
          ? await $api.GET('/api/meters/brands', { params: { query } })
          : await $api.GET('/api/devices/brands', { params: { query } }),
      ).items;
    },
  );
  return { brands: computed(() => data.value ?? []), error };
}

/** Subscription groups (brief 1.15), and as select options named in the page's language. */
export function useSubscriptionGroups() {
  const { $api } = useNuxtApp();
  const { localName } = useFormat();
  const { data, error } = useAsyncData('assets:subscription-groups', () =>
    $api.GET('/api/definitions/subscription-groups', { params: { query: ALL } }).then((answer) => unwrap(answer).items),
  );
  const groups = computed(() => data.value ?? []);
  const options = computed(() => groups.value.map((g) => ({ value: g.id, label: localName(g.name, g.nameEn) })));
  return { groups, options, error };
}

/** Meter profiles a tenant may use (the meter form's list, brief 2.5.3.3); nothing until a tenant is chosen. */
export function useMeterProfileOptions(tenantId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const { data, error, status } = useAsyncData(
    () => `assets:meter-profiles:${toValue(tenantId) ?? 'none'}`,
    async () => {
      const id = toValue(tenantId);
      if (!id) return [];
      return unwrap(await $api.GET('/api/meter-profiles', { params: { query: { ...ALL, tenantId: id, sort: 'brand' } } })).items;
    },
  );
  return { profiles: computed(() => data.value ?? []), error, pending: computed(() => status.value === 'pending') };
}

/** Device profiles a tenant may use, narrowed to those compatible with a meter profile when one is given. */
export function useDeviceProfileOptions(
  tenantId: MaybeRefOrGetter<string | null | undefined>,
  meterProfileId?: MaybeRefOrGetter<string | null | undefined>,
) {
  const { $api } = useNuxtApp();
  const { data, error, status } = useAsyncData(
    () => `assets:device-profiles:${toValue(tenantId) ?? 'all'}:${toValue(meterProfileId) ?? 'any'}`,
    async () => {
      const query: ApiQuery<'/api/device-profiles'> = { ...ALL, sort: 'brand' };
      const tenant = toValue(tenantId);
      const meterProfile = toValue(meterProfileId);
      if (tenant) query.tenantId = tenant;
      if (meterProfile) query.meterProfileId = meterProfile;
      return unwrap(await $api.GET('/api/device-profiles', { params: { query } })).items;
    },
  );
  return { profiles: computed(() => data.value ?? []), error, pending: computed(() => status.value === 'pending') };
}

/** The identifier fields a device profile asks for (GET /api/device-profiles/:id/fields). */
export function useIdentifierFields(deviceProfileId: MaybeRefOrGetter<string | null | undefined>) {
  const { $api } = useNuxtApp();
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:identifier-fields:${toValue(deviceProfileId) ?? 'none'}`,
    async () => {
      const id = toValue(deviceProfileId);
      return id ? unwrap(await $api.GET('/api/device-profiles/{id}/fields', { params: { path: { id } } })) : [];
    },
  );
  return { fields: computed(() => data.value ?? []), error, pending: computed(() => status.value === 'pending'), refresh };
}

/**
 * Keeps showing the page on screen while the next one loads, so paging and filtering never flash
 * an empty table.
 */
export function useAssetLastPage<T>(data: Ref<T | null | undefined>) {
  // Computed, not a copy: during SSR watchers never run, and the server must render what the payload hydrates.
  const previous = shallowRef<T | null>(null);
  watch(data, (value, old) => {
    if (value == null && old != null) previous.value = old;
  });
  return computed<T | null>(() => data.value ?? previous.value);
}

/** The API query of an asset table: its page, sort, search and filters, in the selected tenant's subtree by default. */
export type AssetListQuery = Record<string, string | number | undefined> & { tenantId: string };

/**
 * One asset table (customers, subscriptions, meters, devices): the URL-bound list state and its page,
 * fetched by `load` with the query (nothing without a tenant) and kept on screen while the next one loads.
 */
export function useAssetList<S extends string, F extends string, T>(
  spec: ListQuerySpec<S, F>,
  name: string,
  load: (query: AssetListQuery) => Promise<T>,
) {
  const store = useSessionStore();
  const list = useAssetListQuery(spec);
  const query = computed(() => ({
    ...list.apiQuery.value,
    tenantId: (list.state.value.filters as Partial<Record<string, string>>).tenantId ?? store.selectedTenantId ?? undefined,
  }));
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:${name}:${JSON.stringify(query.value)}`,
    async () => (query.value.tenantId ? load(query.value as AssetListQuery) : null),
  );
  // `query` is the API query as fetched (with the tenant), which the list's export takes too.
  return { ...list, query, result: useAssetLastPage(data), pending: computed(() => status.value === 'pending'), error, refresh };
}

/** One record of an asset area (`assets:<name>:<id>`), as its detail and edit pages read it. */
export function useAssetRecord<T>(name: string, id: MaybeRefOrGetter<string>, load: (id: string) => Promise<T>) {
  const { data, error, status, refresh } = useAsyncData(
    () => `assets:${name}:${toValue(id)}`,
    () => load(toValue(id)),
  );
  return { record: data, error, pending: computed(() => status.value === 'pending'), refresh };
}

/** A server-paged table's page, search, sort and filters, kept in the URL query. */
export function useAssetListQuery<S extends string, F extends string>(spec: ListQuerySpec<S, F>) {
  return bindListQuery(useRoute(), useRouter(), spec);
}

/** Asks before leaving a form with unsaved changes; call release() after saving. */
export function useAssetUnsavedGuard(isDirty: () => boolean) {
  const { t } = useI18n();
  return useUnsavedChanges(isDirty, () => t('assets.form.unsavedConfirm'));
}

/** Display helpers: dates as DD.MM.YYYY HH:mm:ss in the tenant's zone, m³ with three decimals, labels of codes. */
export function useAssetFormat() {
  const { t } = useI18n();
  // The numbers and dates come from the one formatter (useFormat, lib/format.ts).
  const { dateTime, volume, integer, percent, localName } = useFormat();
  return {
    /** A subscription group (or another definition with a Turkish and an English name) in the page's language. */
    groupName: (group: { name: string; nameEn: string | null }) => localName(group.name, group.nameEn),
    dateTime: (value: string | null | undefined, timeZone: string = DEFAULT_TIME_ZONE) => dateTime(value, timeZone),
    volume,
    integer,
    percent,
    /** Text of a code through a label map; unknown codes shown as they are, missing ones as a dash. */
    label: <K extends string>(labels: Record<K, string>, code: string | null | undefined) => {
      const key = labelKey(labels, code);
      return key ? t(key) : (code ?? '—');
    },
    text: (value: string | number | null | undefined) => (value == null || value === '' ? '—' : String(value)),
  };
}

/**
 * State of one create/edit form: the values, whether they changed, the client checks (i18n keys by the
 * API's dotted paths), the API's refusal with its field messages, and a guard against leaving unsaved.
 * Client messages show once a field was left or the form was submitted; the API's until the next submit.
 */
export function useAssetForm<T extends object>(initial: () => T, validate: (state: T) => Record<string, string>) {
  const { t } = useI18n();
  const notice = useNoticeStore();
  const state = reactive(initial()) as T;
  const snapshot = ref(JSON.stringify(state));
  const dirty = computed(() => JSON.stringify(state) !== snapshot.value);
  const submitted = ref(false);
  const touched = reactive(new Set<string>());
  const submit = createSubmitState();
  const clientErrors = computed(() => validate(state as T));
  const guard = useAssetUnsavedGuard(() => dirty.value && !submit.pending.value);

  function errorOf(path: string): string | undefined {
    // Already in the page's language: the $api plugin translates every refusal (lib/api-messages.ts).
    const api = submit.fieldErrors.value[path];
    if (api) return api;
    const key = clientErrors.value[path];
    return key && (submitted.value || touched.has(path)) ? t(key) : undefined;
  }

  const formMessage = computed(() =>
    assetFailureMessage(submit.failure.value, {
      unavailable: t('assets.form.errors.unavailable'),
      forbidden: t('assets.form.errors.forbidden'),
      notFound: t('assets.form.errors.notFound'),
      conflict: t('assets.form.errors.conflict'),
      invalid: t('assets.form.errors.invalid'),
      other: t('assets.form.errors.other'),
    }),
  );

  /** Runs `action` when the client checks pass; moves focus to the first invalid field otherwise. */
  async function save<R>(action: () => Promise<R>, extraInvalid = false): Promise<R | undefined> {
    submitted.value = true;
    if (Object.keys(clientErrors.value).length || extraInvalid) {
      await nextTick();
      if (import.meta.client) document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus();
      return undefined;
    }
    const result = await submit.run(action);
    if (result !== undefined) {
      snapshot.value = JSON.stringify(state);
      guard.release();
      notice.show(t('common.saved'));
    } else if (import.meta.client) {
      await nextTick();
      document.querySelector<HTMLElement>('form [aria-invalid="true"], [data-form-error]')?.focus();
    }
    return result;
  }

  /** Fills in defaults that arrive later (a list's first entry) without counting them as the user's changes. */
  function setDefaults(patch: Partial<T>) {
    const clean = !dirty.value;
    Object.assign(state, patch);
    if (clean) snapshot.value = JSON.stringify(state);
  }

  return {
    state,
    dirty,
    setDefaults,
    submitted,
    touch: (path: string) => touched.add(path),
    errorOf,
    clientErrors,
    pending: submit.pending,
    failure: submit.failure,
    formMessage,
    save,
  };
}

/**
 * Edit and delete of one asset record for CrudDetailHeader: the links and actions the user's rights allow,
 * the texts (a refused delete, e.g. "has readings, retire it instead", is explained in the user's language),
 * and what follows a delete (cached asset lists are stale; back to the list).
 */
export function useAssetRecordActions(module: PermissionModule, list: string) {
  const { t } = useI18n();
  const store = useSessionStore();
  return {
    editTo: (id: string) => (store.can(module, 'update') ? `${list}/${id}/edit` : null),
    remove: (action: () => Promise<unknown>) => (store.can(module, 'delete') ? action : null),
    texts: (deleteTitle: string, deleteDescription: string): DetailTexts => ({
      edit: t('assets.actions.edit'),
      delete: t('assets.actions.delete'),
      cancel: t('assets.form.cancel'),
      deleteTitle,
      deleteDescription,
      failure: (failure) =>
        failure?.status === 409
          ? t('assets.delete.conflict')
          : failureMessage(failure, {
              unavailable: t('assets.form.errors.unavailable'),
              forbidden: t('assets.form.errors.forbidden'),
              notFound: t('assets.form.errors.notFound'),
              conflict: t('assets.delete.conflict'),
              invalid: t('assets.form.errors.invalid'),
              other: t('assets.form.errors.other'),
            }),
    }),
    async deleted() {
      clearNuxtData((key) => key.startsWith('assets:'));
      await navigateTo(list);
    },
  };
}

/** The tenant filter of an asset table (AssetsFilterBar): the tenants the user may read, indented by level. */
export function useAssetTenantFilter(module: PermissionModule, id: string) {
  const { t } = useI18n();
  const { options } = useAssetTenants(module, 'read');
  return computed(() => ({
    name: 'tenantId' as const,
    id,
    label: t('assets.filters.tenant'),
    allLabel: t('assets.filters.allTenants'),
    options: options.value.map((o) => ({ value: o.id, label: o.name, level: o.level })),
  }));
}

/** The two choices of a yes/no filter, as the API's "true"/"false". */
export function yesNoOptions(yes: string, no: string) {
  return [
    { value: 'true', label: yes },
    { value: 'false', label: no },
  ];
}
