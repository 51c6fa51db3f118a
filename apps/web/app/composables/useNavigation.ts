import { navItemsFor } from '~/lib/navigation';
import { useSessionStore } from '~/stores/session';

/** The modules the user may read in the selected tenant, in the brief's order. */
export function useNavigation() {
  const store = useSessionStore();
  const items = computed(() => navItemsFor(store.can));
  return { items };
}
