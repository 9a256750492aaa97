import type { IncomingMessage } from 'node:http';
import type { BlockList } from 'node:net';
import { assignRequestId, checkHealth, type Logger } from '@vexora-checkout/runtime';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type pg from 'pg';
import { pinoHttp } from 'pino-http';
import type { WebhookMetrics } from './create-metrics.js';
import type { NotificationWriter } from './notifications/create-notification-writer.js';
import { createNotifyHandler } from './notifications/create-notify-handler.js';
import type { ReconcileEnqueuer } from './notifications/create-reconcile-enqueuer.js';
import type { NotificationVerifier } from './notifications/verify-notification-signature.js';
import { sendProblem } from './send-problem.js';
import { requireAllowedSource } from './source-ip/require-allowed-source.js';
import type { TrustProxy } from './source-ip/parse-trust-proxy.js';

export interface WebhookDependencies {
  /** The pool under the Prisma client, for the health check. */
  pool: pg.Pool;
  /** Stores deliveries (batched INSERTs on the same pool). */
  writer: NotificationWriter;
  logger: Logger;
  metrics: WebhookMetrics;
  verify: NotificationVerifier;
  enqueuer: ReconcileEnqueuer;
  /** How the reconcile queue's Redis connection is doing, for /health (never gates it). */
  queueState: () => string;
  notifyPath: string;
  bodyLimitBytes: number;
  /** Source addresses allowed to post notifications; undefined: anyone. */
  allowedSources: BlockList | undefined;
  trustProxy: TrustProxy;
  storeTimeoutMs: number;
}

const QUIET_PATHS = new Set(['/health', '/metrics']);

/** Request headers worth a log line: an allow-list, so nothing secret is ever logged. */
const LOGGED_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for'] as const;

/**
 * The receiver's HTTP surface. Dependencies come in, so tests build it against their own
 * database and Redis. /health depends on the database only: a receiver that cannot store a
 * notification must not be sent one, but one that cannot reach Redis still stores and answers.
 */
export function createApp(deps: WebhookDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', deps.trustProxy);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: assignRequestId,
      // No per-request child logger carrying the serialised request (pino-http's default): that
      // costs every delivery a serialisation even when nothing is logged. The request is added,
      // in a compact form without body or secret headers, to the one line written at the end.
      quietReqLogger: true,
      quietResLogger: true,
      customSuccessObject: (request, response, value: Record<string, unknown>) =>
        describeExchange(request, response as express.Response, value),
      customErrorObject: (request, response, _error, value: Record<string, unknown>) =>
        describeExchange(request, response as express.Response, value),
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (request) => QUIET_PATHS.has(request.url ?? '') },
    }),
  );
  app.use((request, response, next) => {
    const stop = deps.metrics.requestDuration.startTimer({ method: request.method });
    response.on('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      stop({ route: route ?? 'unmatched', status: String(response.statusCode) });
    });
    next();
  });

  app.get('/health', async (_request, response) => {
    const report = await checkHealth({
      database: async () => {
        await deps.pool.query('SELECT 1');
      },
    });
    response
      .status(report.status === 'ok' ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ service: 'webhook', ...report, queue: deps.queueState() });
  });
  app.get('/metrics', async (_request, response) => {
    response.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const notifyChain = [
    ...(deps.allowedSources
      ? [
          requireAllowedSource(deps.allowedSources, {
            logger: deps.logger,
            onRejected: () => deps.metrics.rejectedSources.inc(),
          }),
        ]
      : []),
    // Every content type, as raw bytes: the sign covers the body exactly as sent.
    express.raw({ type: () => true, limit: deps.bodyLimitBytes }),
    createNotifyHandler({
      writer: deps.writer,
      verify: deps.verify,
      enqueuer: deps.enqueuer,
      metrics: deps.metrics,
      logger: deps.logger,
      storeTimeoutMs: deps.storeTimeoutMs,
    }),
  ];
  app.post(deps.notifyPath, ...notifyChain);

  app.use((_request, response) => {
    sendProblem(response, 'not_found', 'No such path.');
  });
  app.use(createBodyErrorHandler(deps.metrics));
  app.use(((error: unknown, _request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    deps.logger.error({ err: error }, 'unexpected error');
    sendProblem(response, 'internal_error', 'Something went wrong on our side; retry later.');
  }) satisfies ErrorRequestHandler);
  return app;
}

/** The request as logged: what, from where, how big; never the body (it carries the sign). */
function describeExchange(
  request: IncomingMessage,
  response: express.Response,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_HEADERS)
    if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  const notification: unknown = response.locals?.notification;
  return {
    ...value,
    // pino-http's request serializer keeps method, url and headers of this object.
    req: { method: request.method, url: request.url, headers },
    // The source as the allow-list sees it (X-Forwarded-For behind a trusted proxy), and the peer.
    source: { ip: (request as express.Request).ip, peer: request.socket.remoteAddress },
    ...(notification ? { notification } : {}),
  };
}

/** Errors of the body reader: too large (413, nothing stored) or unreadable (400). */
function createBodyErrorHandler(metrics: WebhookMetrics): ErrorRequestHandler {
  return (error: unknown, _request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const type = (error as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') {
      metrics.deliveries.inc({ signature: 'unread', status: '413' });
      sendProblem(
        response,
        'payload_too_large',
        'The body is larger than WEBHOOK_BODY_LIMIT; it was not stored.',
      );
      return;
    }
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      metrics.deliveries.inc({ signature: 'unread', status: '400' });
      sendProblem(response, 'unreadable_body', 'The body could not be read; it was not stored.');
      return;
    }
    next(error);
  };
}
