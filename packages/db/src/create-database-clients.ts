import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';
import { guardPoolConnections } from './guard-pool-connections.js';

export interface CreatePrismaClientOptions {
  databaseUrl: string;
  /** Connections in the pool (node-postgres `max`). */
  poolSize?: number;
  /** Name shown in pg_stat_activity, so an operator can tell which process holds a connection. */
  applicationName?: string;
}

export interface DatabaseClients {
  prisma: PrismaClient;
  /**
   * The node-postgres pool under Prisma, for hot paths written as plain SQL (Prisma costs about
   * 0.2 ms of CPU per statement, which a path of a dozen statements at hundreds per second
   * cannot afford). `prisma.$disconnect()` ends it.
   */
  pool: pg.Pool;
}

/** Prisma and plain SQL over one pool of connections. */
export function createDatabaseClients(options: CreatePrismaClientOptions): DatabaseClients {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'vexora-checkout',
  });
  // An idle client that loses its connection emits on the pool; without a listener that is an
  // uncaught exception. The next checkout gets a fresh connection.
  pool.on('error', () => undefined);
  // A checked-out client that loses its connection must not crash the process either.
  guardPoolConnections(pool);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return { prisma: new PrismaClient({ adapter }), pool };
}
