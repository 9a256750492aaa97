import type { PrismaClient } from '@vexora-checkout/db';
import { createHealthListener } from '@vexora-checkout/runtime';
import express, { type Express } from 'express';

export interface WebhookDependencies {
  prisma: PrismaClient;
}

/**
 * The receiver's HTTP surface. Its health depends on the database: a receiver that cannot store
 * a notification must not be sent one.
 */
export function createApp({ prisma }: WebhookDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  const health = createHealthListener('webhook', {
    database: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
  });
  app.get('/health', (request, response) => health(request, response));
  app.use((_request, response) => {
    response.status(404).type('text/plain').send('Not Found');
  });
  return app;
}
