import type { PrismaClient } from '@vexora-checkout/db';
import { createHealthListener } from '@vexora-checkout/runtime';
import express, { type Express } from 'express';

export interface ApiDependencies {
  prisma: PrismaClient;
}

/** The api's HTTP surface. Dependencies come in, so tests build it against their own database. */
export function createApp({ prisma }: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  const health = createHealthListener('api', {
    database: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
  });
  app.get('/health', (request, response) => health(request, response));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: 'not_found', message: 'No such route.' } });
  });
  return app;
}
