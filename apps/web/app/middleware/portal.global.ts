import { isPortalPath, isPortalPublicPath, PORTAL_LOGIN, safePortalRedirect } from '~/lib/portal-routes';
import { usePortalStore } from '~/stores/portal';

/**
 * The customer portal's guard (issue 19): every /portal page needs a portal session except sign-in,
 * sign-up and password reset. Only the portal's own cookie counts: a console session opens nothing here.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  if (!isPortalPath(to.path)) return;
  const store = usePortalStore();
  const nuxtApp = useNuxtApp();
  const decidedByServer = import.meta.client && nuxtApp.isHydrating && nuxtApp.payload.serverRendered;

  if (!store.isSignedIn && !decidedByServer) {
    try {
      await usePortalSession().load();
    } catch {
      if (!isPortalPublicPath(to.path)) throw createError({ statusCode: 503, statusMessage: 'API unavailable', fatal: true });
    }
  }

  if (isPortalPublicPath(to.path)) {
    if (store.isSignedIn && to.path === PORTAL_LOGIN) return navigateTo(safePortalRedirect(to.query.redirect), { replace: true });
    return;
  }
  if (!store.isSignedIn) return navigateTo({ path: PORTAL_LOGIN, query: { redirect: to.fullPath } });
});
