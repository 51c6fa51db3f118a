import { onBeforeUnmount, onMounted } from 'vue';
import { onBeforeRouteLeave } from 'vue-router';

/**
 * Asks before leaving a form with unsaved changes: on in-app navigation with a confirm dialog, on
 * closing or reloading the tab with the browser's own prompt. Call `release()` once the changes are
 * saved and the form navigates away by itself.
 */
export function useUnsavedChanges(isDirty: () => boolean, message: () => string) {
  let released = false;

  onBeforeRouteLeave(() => {
    if (released || !isDirty()) return true;
    return window.confirm(message());
  });

  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (released || !isDirty()) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  };
  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload));
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload));

  return {
    release() {
      released = true;
    },
  };
}
