export { createPrismaClient, type CreatePrismaClientOptions } from './create-prisma-client.js';
export { Prisma, PrismaClient, IntentState, Currency } from './generated/prisma/client.js';
export type { CheckoutIntent, OutboxEvent, StatusHistory } from './generated/prisma/client.js';
