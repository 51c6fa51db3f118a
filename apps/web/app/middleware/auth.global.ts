import { allows, deniedRight } from '~/lib/page-permission';
import { isPortalPath } from '~/lib/portal-routes';
import { safeRedirect } from '~/lib/redirect';
import { useSessionStore } from '~/stores/session';

/**
 * Every page needs a signed-in user unless it declares `public`, and the permission it declares
 * in definePageMeta for the selected tenant. Loading the session goes through the proxy, which
 * refreshes an expired token first, so navigation simply continues to where the user was going.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  // The customer portal has its own session and sign-in (middleware/portal.ts); the console's plays no part there.
  if (isPortalPath(to.path)) return;
  const store = useSessionStore();
  const nuxtApp = useNuxtApp();
  // On hydration the server has already asked who is signed in; its answer came with the payload.
  const decidedByServer = import.meta.client && nuxtApp.isHydrating && nuxtApp.payload.serverRendered;

  if (!store.isSignedIn && !decidedByServer) {
    try {
      await useSession().load();
    } catch {
      // The API did not answer; the sign-in page still works, other pages cannot.
      if (!to.meta.public) throw createError({ statusCode: 503, statusMessage: 'API unavailable', fatal: true });
    }
  }

  if (to.meta.public) {
    if (store.isSignedIn && to.path === '/login') return navigateTo(safeRedirect(to.query.redirect), { replace: true });
    return;
  }

  if (!store.isSignedIn) return navigateTo({ path: '/login', query: { redirect: to.fullPath } });

  const permission = to.meta.permission;
  if (permission && !allows(permission, store.can)) {
    const denied = deniedRight(permission, store.can);
    return navigateTo({ path: '/forbidden', query: { module: denied?.module, action: denied?.action } });
  }
});
