import type { VexoraAccount } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import {
  assignRequestId,
  createHealthListener,
  type HealthCheck,
  type Logger,
} from '@vexora-checkout/runtime';
import express, { type Express } from 'express';
import type pg from 'pg';
import { pinoHttp } from 'pino-http';
import type { ApiKeyAuthenticator } from './auth/authenticate-api-key.js';
import { requireApiKey } from './auth/require-api-key.js';
import { createCheckoutsRouter } from './checkouts/checkouts-router.js';
import type { CreateIntentsDeps } from './checkouts/create-checkout-intents.js';
import { createOutboxWakeUp, type OutboxWakeUp } from './checkouts/create-outbox-wake-up.js';
import type { ApiMetrics } from './create-metrics.js';
import { createDisabledDashboardRouter, type Dashboard } from './dashboard/create-dashboard.js';
import { createEventsRouter } from './events/events-router.js';
import { createOpenApiRouter } from './openapi/create-openapi-router.js';
import { ApiProblem } from './problems/api-problem.js';
import { createErrorHandler, notFoundHandler } from './problems/handle-errors.js';
import type { KeyRateLimiter } from './rate-limit/create-key-rate-limiter.js';
import { requireRateLimit } from './rate-limit/require-rate-limit.js';

export interface ApiDependencies {
  prisma: PrismaClient;
  /** The pool under `prisma`, for the create path's plain SQL. */
  pool: pg.Pool;
  logger: Logger;
  metrics: ApiMetrics;
  authenticate: ApiKeyAuthenticator;
  accounts: readonly VexoraAccount[];
  create: Omit<CreateIntentsDeps, 'prisma' | 'pool' | 'accounts' | 'wakeOutbox'>;
  /** Wakes the outbox relay after creates; by default one on `pool` (main flushes its own at stop). */
  outboxWakeUp?: OutboxWakeUp;
  bodyLimitBytes: number;
  /** Readiness checks beyond the database (Redis, in production). */
  readinessChecks?: Record<string, HealthCheck>;
  /** The operator dashboard at /dashboard; absent: /dashboard answers 404 saying how to enable it. */
  dashboard?: Dashboard;
  /** Per-API-key rate limit of every /v1 request; absent (or API_RATE_LIMIT_PER_SECOND=0): none. */
  rateLimiter?: KeyRateLimiter;
}

/** The api's HTTP surface. Dependencies come in, so tests build it against their own database. */
export function createApp(deps: ApiDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: assignRequestId,
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      // Probes and scrapes every few seconds would drown the log.
      autoLogging: {
        ignore: (request) => ['/healthz', '/readyz', '/health', '/metrics'].includes(request.url ?? ''),
      },
      // A Set-Cookie header (the dashboard's session) is a credential: logged as [redacted].
      serializers: {
        res: (res: { headers?: Record<string, unknown> }) =>
          res.headers?.['set-cookie'] === undefined
            ? res
            : { ...res, headers: { ...res.headers, 'set-cookie': '[redacted]' } },
      },
    }),
  );
  app.use((request, response, next) => {
    const stop = deps.metrics.requestDuration.startTimer({ method: request.method });
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      stop({
        route: route ? `${request.baseUrl}${route}` : 'unmatched',
        status: String(response.statusCode),
      });
    });
    next();
  });

  const database: HealthCheck = async () => {
    await deps.prisma.$queryRaw`SELECT 1`;
  };
  app.get('/healthz', (_request, response) => {
    response.json({ service: 'api', status: 'ok' });
  });
  const ready = createHealthListener('api', { database, ...deps.readinessChecks });
  app.get('/readyz', (request, response) => ready(request, response));
  app.get('/health', (request, response) => ready(request, response));
  app.get('/metrics', async (_request, response) => {
    response.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  // Public: the reference of this API (/openapi.json) and its rendered page (/docs).
  app.use(createOpenApiRouter());

  // The operator dashboard: server-rendered pages behind an operator sign-in (src/dashboard).
  app.use('/dashboard', deps.dashboard ? deps.dashboard.router : createDisabledDashboardRouter());

  const outboxWakeUp = deps.outboxWakeUp ?? createOutboxWakeUp(deps.pool);
  const v1 = express.Router();
  v1.use((request, _response, next) => {
    if (request.method === 'POST' && !request.is('application/json')) {
      throw new ApiProblem('unsupported_media_type', 'Send the body as application/json.');
    }
    next();
  });
  v1.use(express.json({ limit: deps.bodyLimitBytes, strict: true }));
  v1.use(requireApiKey(deps.authenticate));
  if (deps.rateLimiter) {
    v1.use(
      requireRateLimit({ limiter: deps.rateLimiter, logger: deps.logger, registry: deps.metrics.registry }),
    );
  }
  v1.use(
    '/checkouts',
    createCheckoutsRouter({
      prisma: deps.prisma,
      create: {
        ...deps.create,
        prisma: deps.prisma,
        pool: deps.pool,
        accounts: deps.accounts,
        wakeOutbox: () => outboxWakeUp.wake(),
      },
      onOutcome: (outcome) => deps.metrics.intents.inc({ outcome }),
    }),
  );
  v1.use('/events', createEventsRouter(deps.prisma));
  app.use('/v1', v1);

  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
