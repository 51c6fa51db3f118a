import { NAV_ITEMS } from '~/lib/navigation';
import { useSessionStore } from '~/stores/session';

/** The modules the user may read in the selected tenant, in the brief's order. */
export function useNavigation() {
  const store = useSessionStore();
  const items = computed(() => NAV_ITEMS.filter((item) => store.can(item.module, 'read')));
  return { items };
}
