import type { Ref } from 'vue';
import { ref } from 'vue';

/** Cookie values a test set up or a store wrote; reset with resetCookies() between tests. */
const cookies = new Map<string, Ref<unknown>>();

export function resetCookies(initial: Record<string, string> = {}): void {
  cookies.clear();
  for (const [name, value] of Object.entries(initial)) cookies.set(name, ref(value));
}

export function cookieValue(name: string): unknown {
  return cookies.get(name)?.value;
}

/** Stand-in for Nuxt's useCookie: a ref per cookie name. */
export function useCookie<T>(name: string, options: { default?: () => T } = {}): Ref<T> {
  let cookie = cookies.get(name);
  if (!cookie) {
    cookie = ref(options.default ? options.default() : undefined);
    cookies.set(name, cookie);
  }
  return cookie as Ref<T>;
}
