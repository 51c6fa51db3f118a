import { Inject, Injectable } from '@nestjs/common';
import { emptyMatrix } from '@water/shared';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';
import { AccessContext, type MembershipGrant } from './access-context';
import { AccessRepository } from './access.repository';

const CACHE_MAX = 10_000;

/**
 * Loads what a user may see and do. The only place that turns memberships into tenant scopes.
 * Contexts are cached per session for ACCESS_CACHE_TTL_MS; every change to users, memberships or
 * tenants bumps a generation counter in Redis that all API nodes read with each request, so a cached
 * context never outlives the rights it was built from.
 */
@Injectable()
export class AccessService {
  private readonly cache = new Map<string, { generation: string; context: AccessContext | null; expires: number }>();

  constructor(
    private readonly repository: AccessRepository,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Moves on every change of rights; the HTTP guard reads it with the session's state (one Redis call). */
  generationKey(): string {
    return this.redis.key('access-generation');
  }

  /** Call after any change to users, memberships, permissions or tenants (inside or after the transaction). */
  async invalidate(): Promise<void> {
    await this.redis.client.incr(this.generationKey());
  }

  /**
   * The caller's context, from the cache while no user, membership or tenant changed. `generation` is
   * the value of generationKey() when the caller has just read it (null: not set); otherwise it is read here.
   */
  async resolve(userId: string, sessionId: string, requestId?: string, generation?: string | null): Promise<AccessContext | null> {
    const ttl = this.config.ACCESS_CACHE_TTL_MS;
    if (ttl === 0) return this.load(userId, sessionId, requestId);
    generation = (generation === undefined ? await this.redis.client.get(this.generationKey()) : generation) ?? '0';
    const key = `${userId}|${sessionId}`;
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && hit.generation === generation && hit.expires > now) return hit.context?.forRequest(requestId) ?? null;
    const context = await this.load(userId, sessionId, requestId);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.delete(key);
    this.cache.set(key, { generation, context, expires: now + ttl });
    return context;
  }

  /** Null when the user does not exist or is inactive: their tokens stop working at once. */
  async load(userId: string, sessionId: string, requestId?: string): Promise<AccessContext | null> {
    const rows = await this.repository.membershipRows(userId);
    if (rows.length === 0 || !rows[0].is_active) return null;

    const grants = new Map<string, MembershipGrant>();
    for (const r of rows) {
      if (!r.membership_id || !r.tenant_id) continue;
      let g = grants.get(r.membership_id);
      if (!g) {
        g = {
          membershipId: r.membership_id,
          tenantId: r.tenant_id,
          tenantName: r.tenant_name!,
          path: r.path,
          role: r.role!,
          matrix: emptyMatrix(),
        };
        grants.set(r.membership_id, g);
      }
      if (r.module) {
        g.matrix[r.module] = {
          create: Boolean(r.can_create),
          read: Boolean(r.can_read),
          update: Boolean(r.can_update),
          delete: Boolean(r.can_delete),
        };
      }
    }
    const memberships = [...grants.values()];
    const paths = memberships.map((m) => m.path);
    const tenants = paths.length ? await this.repository.tenantsUnder(paths) : [];
    return AccessContext.build(userId, sessionId, memberships, tenants, requestId);
  }
}
