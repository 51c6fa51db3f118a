import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../database/database.service';

/** The rows an access context is built from: a user's memberships with their rights, and tenant subtrees. */
@Injectable()
export class AccessRepository {
  constructor(private readonly database: DatabaseService) {}

  /** One row per membership right of the user (membership columns null when the user has none). */
  membershipRows(userId: string) {
    return this.database.db
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
  }

  /** The tenants at or under the given ltree paths, in path order. */
  tenantsUnder(paths: string[]) {
    return this.database.db
      .selectFrom('tenant')
      .select(['id', 'name', 'parent_id as parentId', sql<string>`path::text`.as('path'), sql<number>`nlevel(path)`.as('depth')])
      .where(sql<boolean>`path <@ ANY(${sql.val(paths)}::ltree[])`)
      .orderBy(sql`path`)
      .execute();
  }
}
