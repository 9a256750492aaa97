import { createHealthListener, type Logger } from '@vexora-checkout/runtime';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { SandboxGateway } from './gateway/sandbox-gateway.js';
import { createAdminRouter } from './http/create-admin-router.js';
import { createCashierRouter } from './http/create-cashier-router.js';
import { createGatewayRouter } from './http/create-gateway-router.js';

export interface SandboxAppDependencies {
  gateway: SandboxGateway;
  logger: Logger;
}

/**
 * The Vexora simulator's HTTP surface: the gateway API, the hosted cashier, the admin API and
 * the health probe. It keeps its state in memory, so its health has no dependency to check.
 */
export function createApp({ gateway, logger }: SandboxAppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags hash every answer; nobody caches a payment API's answers.
  app.set('etag', false);
  const health = createHealthListener('sandbox', {});
  app.get('/health', (request, response) => health(request, response));
  app.use(createGatewayRouter(gateway));
  app.use(createCashierRouter(gateway, logger));
  app.use('/_sandbox', createAdminRouter(gateway, logger));
  app.use((_request, response) => {
    response.status(404).json({ code: '404', msg: 'Not Found', success: false });
  });
  const failed: ErrorRequestHandler = (error: unknown, request, response, _next) => {
    logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(500).json({ code: '500', msg: 'sandbox internal error', success: false });
  };
  app.use(failed);
  return app;
}
