import { createDatabaseClients, type CreatePrismaClientOptions } from './create-database-clients.js';
import type { PrismaClient } from './generated/prisma/client.js';

export type { CreatePrismaClientOptions };

/**
 * Prisma Client over node-postgres through the driver adapter: no Rust query engine, no binary
 * to download. The caller owns the client and must `$disconnect()` it; nothing here is a
 * singleton, so tests and processes pass their client explicitly.
 */
export function createPrismaClient(options: CreatePrismaClientOptions): PrismaClient {
  return createDatabaseClients(options).prisma;
}
