export { createPrismaClient, type CreatePrismaClientOptions } from './create-prisma-client.js';
export { createDatabaseClients, type DatabaseClients } from './create-database-clients.js';
export { guardPoolConnections } from './guard-pool-connections.js';
export { preparedStatement, runPreparedQuery, type SqlQueryable } from './run-prepared-query.js';
export { Prisma, PrismaClient, IntentState, Currency } from './generated/prisma/client.js';
export type {
  ApiKey,
  CheckoutIntent,
  IdempotencyKey,
  OutboxEvent,
  StatusHistory,
} from './generated/prisma/client.js';
