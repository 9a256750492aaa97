import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export interface CreatePrismaClientOptions {
  databaseUrl: string;
  /** Connections in the pool (node-postgres `max`). */
  poolSize?: number;
  /** Name shown in pg_stat_activity, so an operator can tell which process holds a connection. */
  applicationName?: string;
}

/**
 * Prisma Client over node-postgres through the driver adapter: no Rust query engine, no binary
 * to download. The caller owns the client and must `$disconnect()` it; nothing here is a
 * singleton, so tests and processes pass their client explicitly.
 */
export function createPrismaClient(options: CreatePrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'vexora-checkout',
  });
  return new PrismaClient({ adapter });
}
