import { createHealthListener } from '@vexora-checkout/runtime';
import express, { type Express } from 'express';

/**
 * The Vexora simulator's HTTP surface. It keeps its state in memory, so its health has no
 * dependency to check.
 */
export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  const health = createHealthListener('sandbox', {});
  app.get('/health', (request, response) => health(request, response));
  app.use((_request, response) => {
    response.status(404).json({ code: '404', msg: 'Not Found', success: false });
  });
  return app;
}
