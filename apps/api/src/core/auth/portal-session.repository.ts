import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService } from '../database/database.service';

/** The lookup behind every portal request (PortalSessionVerifier); no rules here. */
@Injectable()
export class PortalSessionRepository {
  constructor(private readonly database: DatabaseService) {}

  /** The active account of a token whose generation is current and whose session (refresh-token family) was not ended. */
  find(accountId: string, familyId: string, generation: number) {
    return this.database.db
      .selectFrom('portal_account as a')
      .innerJoin('tenant as t', 't.id', 'a.tenant_id')
      .select(['a.id', 'a.customer_id', 'a.tenant_id', 'a.language', sql<string>`t.path::text`.as('tenant_path')])
      .where('a.id', '=', accountId)
      .where('a.is_active', '=', true)
      .where('a.session_generation', '=', generation)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('portal_refresh_token as r')
            .select(sql`1`.as('one'))
            .where('r.family_id', '=', familyId)
            .where('r.account_id', '=', accountId)
            .where('r.revoked_at', 'is', null),
        ),
      )
      .executeTakeFirst();
  }
}
