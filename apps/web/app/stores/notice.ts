import { defineStore } from 'pinia';
import { ref } from 'vue';

/** How long a confirmation stays before it fades (it can be closed earlier). */
export const NOTICE_MS = 6000;

/**
 * The one confirmation after a save (issue 21): a form says what happened, the layout's AppSaveNotice
 * shows it in a polite live region, and it survives the navigation that usually follows a save.
 */
export const useNoticeStore = defineStore('notice', () => {
  const message = ref<string | null>(null);
  // Counts shows, so an older timer never clears a newer message.
  const serial = ref(0);

  function show(text: string): void {
    message.value = text;
    const mine = ++serial.value;
    if (import.meta.client) setTimeout(() => mine === serial.value && clear(), NOTICE_MS);
  }

  function clear(): void {
    message.value = null;
  }

  return { message, serial, show, clear };
});
