import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createKysely, createPool, createPrismaClient, type DB, type PrismaClient } from '@water/db';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { APP_CONFIG, type AppConfig } from '../config/config';

/**
 * The two database clients of the process: Prisma for CRUD and Kysely for time-series and bulk work.
 * Both are created once and closed on shutdown.
 */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  readonly prisma: PrismaClient;
  readonly pool: Pool;
  readonly db: Kysely<DB>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.prisma = createPrismaClient(config.DATABASE_URL);
    this.pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_SIZE, application_name: 'water-api' });
    this.db = createKysely(this.pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([this.prisma.$disconnect(), this.db.destroy()]);
  }
}
