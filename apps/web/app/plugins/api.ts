import { CookieJar, setCookieLines } from '~/lib/cookie-jar';

/**
 * The one API client of a request ($api). In the browser it calls this site's /api proxy, which
 * adds the bearer token from the httpOnly cookie. During SSR it calls the same proxy in-process
 * with the browser's cookies, and passes any rotated session cookies on to the browser.
 */
export default defineNuxtPlugin((nuxtApp) => {
  const event = import.meta.server ? useRequestEvent() : undefined;
  const incoming = import.meta.server ? useRequestHeaders(['cookie', 'x-forwarded-for']) : {};
  const jar = import.meta.server ? new CookieJar(incoming.cookie) : undefined;
  // The in-process call has no client socket: tell the proxy who the browser is, as a proxy would.
  const clientAddress = event
    ? [incoming['x-forwarded-for'], event.node.req.socket?.remoteAddress].filter(Boolean).join(', ')
    : '';

  const api = $fetch.create({
    onRequest({ options }) {
      if (!jar) return;
      const headers = new Headers(options.headers);
      const cookie = jar.toHeader();
      if (cookie) headers.set('cookie', cookie);
      if (clientAddress) headers.set('x-forwarded-for', clientAddress);
      options.headers = headers;
    },
    onResponse({ response }) {
      if (!jar || !event) return;
      for (const line of setCookieLines(response.headers)) {
        jar.apply(line);
        event.node.res.appendHeader('set-cookie', line);
      }
    },
    async onResponseError({ request, response }) {
      // The proxy already tried to refresh: a 401 here means the session is over. Sign-in answers are the form's business.
      if (import.meta.server || response.status !== 401) return;
      const url = typeof request === 'string' ? request : request.url;
      if (url.includes('/api/session/')) return;
      await nuxtApp.runWithContext(() => useSession().expire());
    },
  });

  return { provide: { api } };
});
