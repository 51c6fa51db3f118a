import { relativeTime } from '~/lib/relative-time';

/**
 * "5 minutes ago" in the console's language. Only in the browser (from mount, refreshed every 30 s):
 * the server's clock would render a text the browser's hydration then contradicts.
 */
export function useRelativeTime() {
  const { locale } = useI18n();
  const now = ref<number | null>(null);
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    now.value = Date.now();
    timer = setInterval(() => (now.value = Date.now()), 30_000);
  });
  onBeforeUnmount(() => clearInterval(timer));
  const format = computed(() => new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' }));
  return (at: string | null | undefined): string => {
    if (!at || now.value === null) return '';
    const { value, unit } = relativeTime(at, now.value);
    return format.value.format(value, unit);
  };
}
