import { DEFAULT_SANDBOX_ACCOUNTS, type VexoraAccount } from '@vexora-checkout/contracts';
import { createDatabaseClients } from '@vexora-checkout/db';
import { createLogger, startHttpServer } from '@vexora-checkout/runtime';
import { captureLogLines } from '@vexora-checkout/testing';
import type pg from 'pg';
import { createApp } from '../src/create-app.js';
import { createMetrics, type WebhookMetrics } from '../src/create-metrics.js';
import { createNotificationWriter } from '../src/notifications/create-notification-writer.js';
import { createReconcileEnqueuer } from '../src/notifications/create-reconcile-enqueuer.js';
import { createReconcileQueue } from '../src/notifications/create-reconcile-queue.js';
import { createNotificationVerifier } from '../src/notifications/verify-notification-signature.js';
import { parseIpRanges } from '../src/source-ip/parse-ip-ranges.js';
import { parseTrustProxy } from '../src/source-ip/parse-trust-proxy.js';

export interface TestWebhookOptions {
  databaseUrl: string;
  redisUrl: string;
  /** BULLMQ_PREFIX: the test's own (the bullmq fixture's prefix). */
  prefix: string;
  accounts?: readonly VexoraAccount[];
  /** WEBHOOK_ALLOWED_IPS and WEBHOOK_TRUST_PROXY, as the environment would give them. */
  allowedIps?: string;
  trustProxy?: string;
  bodyLimitBytes?: number;
  storeTimeoutMs?: number;
  enqueueTimeoutMs?: number;
}

export interface TestWebhook {
  url: string;
  /** The receiver's own pool, for reading what it stored. */
  pool: pg.Pool;
  metrics: WebhookMetrics;
  /** Everything the receiver logged, one parsed JSON line each. */
  logs: Record<string, unknown>[];
  /** POSTs a body to /vexora/notify: an object goes as JSON, a string as given. */
  notify(
    body: unknown,
    init?: { contentType?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; contentType: string | null; text: string }>;
  close(): Promise<void>;
}

/** The real receiver (createApp, the real queue and enqueuer) on the test's database and Redis. */
export async function startTestWebhook(options: TestWebhookOptions): Promise<TestWebhook> {
  const { prisma, pool } = createDatabaseClients({ databaseUrl: options.databaseUrl, poolSize: 4 });
  const { lines: logs, destination } = captureLogLines();
  const logger = createLogger({ service: 'webhook', level: 'info', destination });
  // Read at each scrape, once the enqueuer exists.
  const metrics = createMetrics({ enqueueWaiting: () => enqueuer.waiting });
  const timeoutMs = options.enqueueTimeoutMs ?? 1_000;
  const queueing = createReconcileQueue({
    redisUrl: options.redisUrl,
    prefix: options.prefix,
    timeoutMs,
    logger,
  });
  const enqueuer = createReconcileEnqueuer({
    queue: queueing.queue,
    timeoutMs,
    logger,
    onEnqueued: (count) => metrics.enqueued.inc(count),
    onFailed: (count, reason) => metrics.enqueueFailures.inc({ reason }, count),
  });
  const allowed = options.allowedIps === undefined ? undefined : parseIpRanges(options.allowedIps);
  if (allowed && !allowed.ok) throw new Error(allowed.issues.join('; '));
  const trustProxy = parseTrustProxy(options.trustProxy ?? 'false');
  if (!trustProxy.ok) throw new Error(trustProxy.message);
  const app = createApp({
    pool,
    writer: createNotificationWriter(pool, { maxConcurrent: 2 }),
    logger,
    metrics,
    verify: createNotificationVerifier(options.accounts ?? DEFAULT_SANDBOX_ACCOUNTS),
    enqueuer,
    queueState: () => queueing.state(),
    notifyPath: '/vexora/notify',
    bodyLimitBytes: options.bodyLimitBytes ?? 65_536,
    allowedSources: allowed?.list,
    trustProxy: trustProxy.value,
    storeTimeoutMs: options.storeTimeoutMs ?? 5_000,
  });
  const http = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${http.port}`;
  return {
    url,
    pool,
    metrics,
    logs,
    notify: async (body, init = {}) => {
      const response = await fetch(`${url}/vexora/notify`, {
        method: 'POST',
        headers: {
          'content-type': init.contentType ?? 'application/json; charset=utf-8',
          ...init.headers,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        text: await response.text(),
      };
    },
    close: async () => {
      await http.close(1_000);
      await enqueuer.close();
      await queueing.close();
      await prisma.$disconnect();
      // Prisma ends the pool only if it ever used it; the receiver writes through the pool alone.
      if (!pool.ended) await pool.end();
    },
  };
}
