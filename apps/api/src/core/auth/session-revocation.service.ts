import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';

/** Published on the revocation channel; every API node's live gateway disconnects the matching sockets. */
export type RevocationEvent = { kind: 'session'; sessionId: string } | { kind: 'user'; userId: string; generation: number };

/** Where a token stands: its session revoked, or the user's generation moved past the one it carries. */
export interface SessionState {
  sessionRevoked: boolean;
  userGeneration: number;
}

/**
 * Ends sessions on every API node at once, through Redis, read on every request (nothing cached):
 * - one session (logout, refresh-token reuse): its id is listed for the lifetime of an access token;
 * - every session of a user (password change or reset, deactivation, deletion): the user's generation
 *   counter is incremented; access tokens carry the generation they were issued under (`gen`) and
 *   older ones are refused.
 * Each revocation is also published, so open live sockets are closed at once (RealtimeGateway);
 * the gateway's periodic re-check reads the same keys, in case a message is lost.
 */
@Injectable()
export class SessionRevocationService {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  channel(): string {
    return this.redis.key('revocations');
  }

  private sessionKey(sessionId: string): string {
    return this.redis.key('revoked-session', sessionId);
  }

  private generationKey(userId: string): string {
    return this.redis.key('user-generation', userId);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.redis.client.set(this.sessionKey(sessionId), '1', 'EX', this.config.JWT_ACCESS_TTL_SECONDS + 60);
    await this.publish({ kind: 'session', sessionId });
  }

  /**
   * Ends every session of the user, on every node: tokens issued before this call stop working on
   * their next request. Call after the change is committed (a token issued in between carries the
   * new generation only if it was issued after the change). Returns the new generation.
   */
  async revokeUser(userId: string): Promise<number> {
    // No expiry: a counter that vanished would start again below the generation of live tokens.
    const generation = await this.redis.client.incr(this.generationKey(userId));
    await this.publish({ kind: 'user', userId, generation });
    return generation;
  }

  /** The generation new tokens of the user are issued under. */
  async generationOf(userId: string): Promise<number> {
    return Number((await this.redis.client.get(this.generationKey(userId))) ?? 0);
  }

  /** One round trip: the session's and the user's revocation state. */
  async state(userId: string, sessionId: string): Promise<SessionState> {
    return (await this.stateWith(userId, sessionId, [])).state;
  }

  /**
   * The same round trip also reading `keys` (another per-request check's, e.g. the access generation):
   * the HTTP guard makes one Redis call a request, not two (B2, issue 22).
   */
  async stateWith(userId: string, sessionId: string, keys: readonly string[]): Promise<{ state: SessionState; values: (string | null)[] }> {
    const [revoked, generation, ...values] = await this.redis.client.mget(this.sessionKey(sessionId), this.generationKey(userId), ...keys);
    return { state: { sessionRevoked: revoked !== null, userGeneration: Number(generation ?? 0) }, values };
  }

  /** The states of many sessions at once (the live gateway's periodic sweep), in chunks of one MGET each. */
  async states(sessions: readonly { userId: string; sessionId: string }[]): Promise<SessionState[]> {
    const out: SessionState[] = [];
    for (let i = 0; i < sessions.length; i += 500) {
      const chunk = sessions.slice(i, i + 500);
      const values = await this.redis.client.mget(chunk.flatMap((s) => [this.sessionKey(s.sessionId), this.generationKey(s.userId)]));
      for (let j = 0; j < chunk.length; j++)
        out.push({ sessionRevoked: values[2 * j] !== null, userGeneration: Number(values[2 * j + 1] ?? 0) });
    }
    return out;
  }

  /** True when a token of that session and generation may no longer be used. */
  static ended(state: SessionState, tokenGeneration: number): boolean {
    return state.sessionRevoked || tokenGeneration < state.userGeneration;
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.client.exists(this.sessionKey(sessionId))) === 1;
  }

  private async publish(event: RevocationEvent): Promise<void> {
    // The keys above are the truth; a lost message only delays sockets until the next periodic check.
    await this.redis.client
      .publish(this.channel(), JSON.stringify(event))
      .catch((err: unknown) => this.logger.warn({ err }, 'could not publish a revocation'));
  }
}
