import type { paths } from '@water/api-client';
import createClient from 'openapi-fetch';
import type { ApiMessageI18n } from '~/lib/api-messages';
import { translateApiError } from '~/lib/api-messages';
import { CookieJar, setCookieLines } from '~/lib/cookie-jar';

/**
 * The one API client of a request ($api), typed from open-api/openapi.json (openapi-fetch; answers go
 * through unwrap() from ~/lib/api-client). In the browser it calls this site's /api proxy, which adds the
 * bearer token from the httpOnly cookie and refreshes it once on a 401. During SSR it calls the same
 * proxy in-process with the browser's cookies, and passes any rotated session cookies on to the browser.
 */
export default defineNuxtPlugin((nuxtApp) => {
  const event = import.meta.server ? useRequestEvent() : undefined;
  const incoming = import.meta.server ? useRequestHeaders(['cookie', 'x-forwarded-for']) : {};
  const jar = import.meta.server ? new CookieJar(incoming.cookie) : undefined;
  // The in-process call has no client socket: tell the proxy who the browser is, as a proxy would.
  const clientAddress = event ? [incoming['x-forwarded-for'], event.node.req.socket?.remoteAddress].filter(Boolean).join(', ') : '';

  // Nitro's $fetch is ofetch over its in-process localFetch; `native` (untyped in Nitro's $Fetch) is that fetch.
  const nativeFetch = ($fetch as unknown as { native: typeof fetch }).native;
  async function fetchInProcess(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    const cookie = jar?.toHeader();
    if (cookie) headers.set('cookie', cookie);
    if (clientAddress) headers.set('x-forwarded-for', clientAddress);
    const body = request.body ? await request.text() : undefined;
    const response = await nativeFetch(url.pathname + url.search, { method: request.method, headers, body });
    if (jar && event) {
      for (const line of setCookieLines(response.headers)) {
        jar.apply(line);
        event.node.res.appendHeader('set-cookie', line);
      }
    }
    return response;
  }

  // Request needs an absolute URL on the server; the origin is dropped again before the in-process call.
  const api = createClient<paths>({ baseUrl: useRequestURL().origin, fetch: import.meta.server ? fetchInProcess : undefined });

  api.use({
    async onResponse({ request, response }) {
      // The proxy already tried to refresh: a 401 here means the session is over.
      if (import.meta.server || response.status !== 401) return;
      const pathname = new URL(request.url).pathname;
      if (pathname.startsWith('/api/session/')) return;
      // The customer portal's routes travel with the portal's session: its end is the portal's sign-in, not the console's.
      if (pathname.startsWith('/api/portal/')) return nuxtApp.runWithContext(() => usePortalSession().expire());
      await nuxtApp.runWithContext(() => useSession().expire());
    },
  });
  api.use({
    async onResponse({ response }) {
      if (!response.ok) return inPageLanguage(response);
    },
  });

  /**
   * A refusal's messages in the page's language (issue 21): the API writes English sentences and, for most
   * reasons, a code (packages/shared api-errors.ts); every page shows what comes from here.
   */
  async function inPageLanguage(response: Response): Promise<Response | undefined> {
    if (!response.headers.get('content-type')?.includes('application/json')) return undefined;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (!body) return undefined;
    // The i18n plugin's global composer (typed loosely on the plugin's NuxtApp).
    const i18n = nuxtApp.$i18n as { t: ApiMessageI18n['t']; locale: { value: string } };
    const translated = translateApiError(body, { t: i18n.t, locale: i18n.locale.value });
    if (translated === body) return undefined;
    // A new body: the old length and encoding no longer describe it.
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(JSON.stringify(translated), { status: response.status, statusText: response.statusText, headers });
  }

  return { provide: { api } };
});
