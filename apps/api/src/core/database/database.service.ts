import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { createKysely, createPool, createPrismaClient, type DB, type PrismaClient } from '@water/db';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { sources } from '../metrics/metrics';
import { scopeConnections } from './tenant-scope';

/** Whether this process's connections are bound by row-level security (the API) or not (the worker). */
export const DATABASE_RLS = Symbol('DATABASE_RLS');

/**
 * The two database clients of the process: Prisma for CRUD and Kysely for time-series and bulk work.
 * Both are created once and closed on shutdown. In the API both run as DATABASE_RLS_ROLE with the
 * request's tenant scope (core/database/tenant-scope.ts, migration 0010).
 */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  private readonly logger = new Logger('database');
  readonly prisma: PrismaClient;
  readonly pool: Pool;
  readonly db: Kysely<DB>;
  /** Prisma's own pool: an external pool, which Prisma's $disconnect leaves open. */
  private readonly prismaPool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Optional() @Inject(DATABASE_RLS) rls?: boolean) {
    const role = rls ? config.DATABASE_RLS_ROLE : '';
    const pool = (name: string) => {
      const p = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE, application_name: name });
      // An idle connection the server ended (restart, failover) is dropped and replaced, not a crash.
      p.on('error', (err) => this.logger.warn({ err: err.message, pool: name }, 'idle database connection lost'));
      return role ? scopeConnections(p, role) : p;
    };
    this.prismaPool = pool('water-api-prisma');
    this.prisma = createPrismaClient(this.prismaPool);
    this.pool = pool('water-api');
    this.db = createKysely(this.pool);
    sources.add(this.metrics);
  }

  /** Both pools' connections in this process's metrics. */
  private readonly metrics = {
    pool: () => {
      const pools = [this.pool, this.prismaPool];
      const total = pools.reduce((n, p) => n + p.totalCount, 0);
      const idle = pools.reduce((n, p) => n + p.idleCount, 0);
      return { total, idle, waiting: pools.reduce((n, p) => n + p.waitingCount, 0) };
    },
  };

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onModuleDestroy(): Promise<void> {
    sources.delete(this.metrics);
    await Promise.allSettled([this.prisma.$disconnect().then(() => this.prismaPool.end()), this.db.destroy()]);
  }
}
