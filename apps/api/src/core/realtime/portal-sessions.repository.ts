import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { asSystem } from '../database/tenant-scope';

/** What a portal socket was opened with; re-checked for as long as it stays open. */
export interface PortalSocketAuth {
  accountId: string;
  /** The refresh-token family (the token's sid). */
  sessionId: string;
  generation: number;
  /** Expiry of the access token the socket was opened with (epoch seconds). */
  exp: number;
}

/**
 * The portal sockets' second look at their sessions, as PortalSessionVerifier checks a request: the
 * account is active, its generation unchanged and the refresh-token family not revoked. One query for
 * all the sessions of a node's portal sockets.
 */
@Injectable()
export class PortalSessionsRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Of `sessions`, the ids (family ids) still alive. */
  async alive(sessions: PortalSocketAuth[]): Promise<Set<string>> {
    if (!sessions.length) return new Set();
    const rows = await asSystem(() =>
      this.database.db
        .selectFrom('portal_refresh_token as r')
        .innerJoin('portal_account as a', 'a.id', 'r.account_id')
        .select(['r.family_id', 'r.account_id', 'a.session_generation'])
        .distinct()
        .where(
          'r.family_id',
          'in',
          sessions.map((s) => s.sessionId),
        )
        .where('r.revoked_at', 'is', null)
        .where('a.is_active', '=', true)
        .execute(),
    );
    const live = new Map(rows.map((r) => [r.family_id, r]));
    return new Set(
      sessions
        .filter((s) => {
          const row = live.get(s.sessionId);
          return row && row.account_id === s.accountId && row.session_generation === s.generation;
        })
        .map((s) => s.sessionId),
    );
  }
}
