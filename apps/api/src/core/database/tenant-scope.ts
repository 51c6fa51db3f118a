import { AsyncLocalStorage } from 'node:async_hooks';
import type { Pool, PoolClient } from 'pg';
import type { AccessContext } from '../access/access-context';

/**
 * The tenant scope of the work in progress, which the API's database connections carry into
 * PostgreSQL's row-level security (`water.scope`, migration 0010): the ltree paths of the caller's
 * visible subtrees, comma-separated, `*` for the root's users and for system work, empty (no rows) otherwise — so
 * a query run outside any request sees nothing rather than everything.
 */
const storage = new AsyncLocalStorage<string>();

export const SYSTEM_SCOPE = '*';

export function withTenantScope<T>(scope: string, work: () => T): T {
  return storage.run(scope, work);
}

/** Work that is not a user's (webhook authentication, device lookup by identifier) but is bounded by its own checks. */
export function asSystem<T>(work: () => T): T {
  return storage.run(SYSTEM_SCOPE, work);
}

export function currentTenantScope(): string {
  return storage.getStore() ?? '';
}

/**
 * The subtrees the caller may see anything of, as the ltree paths of their top tenants (a tenant
 * whose parent is not itself visible); the policies take each path's descendants, so a child tenant
 * created during the request is inside. The root's users see all.
 */
export function scopeOf(access: Pick<AccessContext, 'tenants'>): string {
  const tops: string[] = [];
  for (const t of access.tenants.values()) {
    if (t.parentId === null) return SYSTEM_SCOPE;
    if (!access.tenants.has(t.parentId)) tops.push(t.path);
  }
  return tops.sort().join(',');
}

const SCOPE_OF = Symbol('water.scope');
type ScopedClient = PoolClient & { [SCOPE_OF]?: string };

/**
 * Makes every connection `pool` hands out run as `role` with the current tenant scope, in one round
 * trip when a checkout's scope differs from the one the connection carries (none for the common run of
 * same-scope requests). A connection that cannot take the role is destroyed and the query fails: it
 * never runs as the owner, whom row-level security does not bind.
 */
export function scopeConnections(pool: Pool, role: string): Pool {
  const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
  const scoped = async (): Promise<PoolClient> => {
    const scope = currentTenantScope();
    const client = (await connect()) as ScopedClient;
    if (client[SCOPE_OF] !== scope) {
      try {
        await client.query(`SELECT set_config('role', $1, false), set_config('water.scope', $2, false)`, [role, scope]);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      client[SCOPE_OF] = scope;
    }
    return client;
  };
  // pg-pool's own query() calls connect with a callback; Kysely and Prisma use the promise.
  (pool as unknown as { connect: unknown }).connect = (
    callback?: (err: Error | undefined, client?: PoolClient, release?: (err?: Error) => void) => void,
  ) => {
    const pending = scoped();
    if (!callback) return pending;
    pending.then(
      (client) => callback(undefined, client, (err?: Error) => client.release(err)),
      (err: Error) => callback(err),
    );
    return undefined;
  };
  return pool;
}
