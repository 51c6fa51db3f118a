import { PrismaPg } from '@prisma/adapter-pg';
import type { Pool } from 'pg';
import { PrismaClient } from './generated/prisma/client';

/**
 * Prisma (Rust-free client over node-postgres) for CRUD, on its own pool from a connection string or on
 * a pool the caller prepared (the API's, whose connections carry the caller's tenant scope).
 */
export function createPrismaClient(connection: string | Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(typeof connection === 'string' ? { connectionString: connection } : connection) });
}
