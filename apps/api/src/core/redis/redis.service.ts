import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/config';

/** One shared Redis connection for commands; blocking users (queues, adapters) create their own. */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;
  readonly prefix: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.prefix = config.REDIS_PREFIX;
    this.client = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: false, enableAutoPipelining: true });
  }

  /** A new connection for consumers that block (BullMQ workers, stream readers). */
  duplicate(options: { maxRetriesPerRequest?: number | null } = {}): Redis {
    return new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: options.maxRetriesPerRequest ?? null });
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async ping(): Promise<void> {
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected Redis answer ${String(answer)}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
