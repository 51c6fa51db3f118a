import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { RedisService } from '../redis/redis.service';

/**
 * Access tokens live for minutes; when a session is logged out or its refresh token is reused,
 * its id is listed here for that long so the tokens already handed out stop working at once.
 */
@Injectable()
export class SessionRevocationService {
  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.client.set(this.redis.key('revoked-session', sessionId), '1', 'EX', this.config.JWT_ACCESS_TTL_SECONDS + 60);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.redis.client.exists(this.redis.key('revoked-session', sessionId))) === 1;
  }
}
