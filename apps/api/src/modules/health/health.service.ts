import { Injectable } from '@nestjs/common';
import { RedisService } from '../../core/redis/redis.service';
import { HealthRepository } from './health.repository';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<'database' | 'redis', { ok: boolean; latencyMs: number; error?: string }>;
}

const TIMEOUT_MS = 2000;

async function probe(fn: () => Promise<void>) {
  const started = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), TIMEOUT_MS).unref())]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: HealthRepository,
    private readonly redis: RedisService,
  ) {}

  async check(): Promise<HealthReport> {
    const [database, redis] = await Promise.all([probe(() => this.database.ping()), probe(() => this.redis.ping())]);
    return { status: database.ok && redis.ok ? 'ok' : 'unavailable', checks: { database, redis } };
  }
}
