import type { PermissionAction, PermissionModule } from '@water/shared';

declare module '#app' {
  interface PageMeta {
    /** What the selected tenant's matrix must grant to open the page (checked by middleware/auth.global.ts). */
    permission?: { module: PermissionModule; action: PermissionAction };
    /** Reachable without signing in. */
    public?: boolean;
  }
}

export {};
