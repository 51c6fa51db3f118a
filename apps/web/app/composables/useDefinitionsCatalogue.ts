import type { CatalogueTexts } from '~/lib/crud';
import type { DefinitionsResource } from '~/composables/useDefinitionsApi';
import type { ListQuerySpec } from '~/lib/list-query';
import { bindListQuery } from '~/lib/list-query';

/**
 * One editable definition list for CrudCatalogueTable: its URL-bound query, the fetched page, the
 * rights, deletion and the definitions texts. `caption`, `search` and `create` are translated texts.
 */
export function useDefinitionsCatalogue<R extends DefinitionsResource, S extends string>(
  resource: R,
  spec: ListQuerySpec<S>,
  labels: () => { caption: string; search: string; create: string; deleteDescription?: string },
) {
  const { t } = useI18n();
  const texts = useDefinitionsTexts();
  const access = useDefinitionsAccess();
  const api = useDefinitionsMutations();
  const list = bindListQuery(useRoute(), useRouter(), spec);
  const source = useDefinitionsPage(resource, list.apiQuery as never);

  const catalogueTexts = computed<CatalogueTexts>(() => {
    const { caption, search, create, deleteDescription } = labels();
    return {
      table: texts.table(caption, { search, create }),
      ...texts.catalogueActions(),
      editItem: (name) => t('definitions.actions.editItem', { name }),
      deleteItem: (name) => t('definitions.actions.deleteItem', { name }),
      deleteTitle: (name) => t('definitions.delete.title', { name }),
      deleteDescription: deleteDescription ?? t('definitions.delete.description'),
    };
  });

  const remove = (item: { id: string }) => api.remove(resource, item.id);
  /** The props of CrudCatalogueTable, to bind with v-bind. */
  const table = computed(() => ({
    list,
    source,
    texts: catalogueTexts.value,
    remove,
    canCreate: access.canCreate.value,
    canUpdate: access.canUpdate.value,
    canDelete: access.canDelete.value,
  }));

  return { table, refresh: source.refresh, access };
}
