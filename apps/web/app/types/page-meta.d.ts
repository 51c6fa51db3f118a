import type { PagePermission } from '~/lib/page-permission';

declare module '#app' {
  interface PageMeta {
    /** What the selected tenant's matrix must grant to open the page (checked by middleware/auth.global.ts). */
    permission?: PagePermission;
    /** Reachable without signing in. */
    public?: boolean;
  }
}

export {};
