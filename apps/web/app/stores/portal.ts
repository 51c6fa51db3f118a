import type { ApiResponse } from '~/lib/api-client';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

/** GET /api/portal/me: the signed-in customer's account, their own details and their utility. */
export type PortalMe = ApiResponse<'/api/portal/me'>;

/** Client state of the customer portal's session (issue 19); the console's session store knows nothing of it. */
export const usePortalStore = defineStore('portal', () => {
  const me = ref<PortalMe | null>(null);
  const isSignedIn = computed(() => me.value !== null);
  /** Days and months of consumption, and every time shown, follow the utility's zone. */
  const timeZone = computed(() => me.value?.tenant.timeZone ?? 'Europe/Istanbul');

  function setMe(value: PortalMe): void {
    me.value = value;
  }

  function clear(): void {
    me.value = null;
  }

  return { me, isSignedIn, timeZone, setMe, clear };
});
