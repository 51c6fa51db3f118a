import { Inject, Injectable } from '@nestjs/common';
import { emptyMatrix, type PermissionModule } from '@water/shared';
import { sql } from 'kysely';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { DatabaseService } from '../database/database.service';
import { RedisService } from '../redis/redis.service';
import { AccessContext, type MembershipGrant } from './access-context';

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
    private readonly database: DatabaseService,
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private generationKey(): string {
    return this.redis.key('access-generation');
  }

  /** Call after any change to users, memberships, permissions or tenants (inside or after the transaction). */
  async invalidate(): Promise<void> {
    await this.redis.client.incr(this.generationKey());
  }

  /** The caller's context, from the cache while no user, membership or tenant changed. */
  async resolve(userId: string, sessionId: string, requestId?: string): Promise<AccessContext | null> {
    const ttl = this.config.ACCESS_CACHE_TTL_MS;
    if (ttl === 0) return this.load(userId, sessionId, requestId);
    const generation = (await this.redis.client.get(this.generationKey())) ?? '0';
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
    const db = this.database.db;
    const rows = await db
      .selectFrom('app_user as u')
      .leftJoin('membership as m', 'm.user_id', 'u.id')
      .leftJoin('tenant as t', 't.id', 'm.tenant_id')
      .leftJoin('membership_permission as p', 'p.membership_id', 'm.id')
      .select([
        'u.is_active',
        'm.id as membership_id',
        'm.tenant_id',
        'm.role',
        't.name as tenant_name',
        sql<string>`t.path::text`.as('path'),
        'p.module',
        'p.can_create',
        'p.can_read',
        'p.can_update',
        'p.can_delete',
      ])
      .where('u.id', '=', userId)
      .execute();
    if (rows.length === 0 || !rows[0].is_active) return null;

    const grants = new Map<string, MembershipGrant>();
    for (const r of rows) {
      if (!r.membership_id || !r.tenant_id) continue;
      let g = grants.get(r.membership_id);
      if (!g) {
        g = { membershipId: r.membership_id, tenantId: r.tenant_id, tenantName: r.tenant_name!, path: r.path, role: r.role!, matrix: emptyMatrix() };
        grants.set(r.membership_id, g);
      }
      if (r.module) {
        g.matrix[r.module as PermissionModule] = {
          create: Boolean(r.can_create),
          read: Boolean(r.can_read),
          update: Boolean(r.can_update),
          delete: Boolean(r.can_delete),
        };
      }
    }
    const memberships = [...grants.values()];
    const paths = memberships.map((m) => m.path);
    const tenants = paths.length
      ? await db
          .selectFrom('tenant')
          .select(['id', 'name', 'parent_id as parentId', sql<string>`path::text`.as('path'), sql<number>`nlevel(path)`.as('depth')])
          .where(sql<boolean>`path <@ ANY(${sql.val(paths)}::ltree[])`)
          .orderBy(sql`path`)
          .execute()
      : [];
    return AccessContext.build(userId, sessionId, memberships, tenants, requestId);
  }
}
