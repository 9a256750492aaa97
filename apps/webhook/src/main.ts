import { createDatabaseClients } from '@vexora-checkout/db';
import { createLogger, loadConfigOrExit, runService, startHttpServer } from '@vexora-checkout/runtime';
import { createApp } from './create-app.js';
import { createMetrics } from './create-metrics.js';
import { loadWebhookConfig } from './env.js';
import { createNotificationWriter } from './notifications/create-notification-writer.js';
import { createReconcileEnqueuer } from './notifications/create-reconcile-enqueuer.js';
import { createReconcileQueue } from './notifications/create-reconcile-queue.js';
import { createNotificationVerifier } from './notifications/verify-notification-signature.js';

const config = loadConfigOrExit(() => loadWebhookConfig());
const logger = createLogger({ service: 'webhook', level: config.LOG_LEVEL });
if (config.usingDefaultAccounts) {
  logger.warn('no VEXORA_ACCOUNTS or VEXORA_MERCHANT_NO configured: using the sandbox development accounts');
}

await runService({
  logger,
  start: async () => {
    const { prisma, pool } = createDatabaseClients({
      databaseUrl: config.DATABASE_URL,
      poolSize: config.WEBHOOK_DATABASE_POOL_SIZE,
      applicationName: 'vexora-webhook',
    });
    const queueing = createReconcileQueue({
      redisUrl: config.REDIS_URL,
      prefix: config.BULLMQ_PREFIX,
      timeoutMs: config.WEBHOOK_ENQUEUE_TIMEOUT_MS,
      logger,
    });
    // Read at each scrape, once the enqueuer exists.
    const metrics = createMetrics({ enqueueWaiting: () => enqueuer.waiting });
    const enqueuer = createReconcileEnqueuer({
      queue: queueing.queue,
      timeoutMs: config.WEBHOOK_ENQUEUE_TIMEOUT_MS,
      logger,
      onEnqueued: (count) => metrics.enqueued.inc(count),
      onFailed: (count, reason) => metrics.enqueueFailures.inc({ reason }, count),
    });
    const app = createApp({
      pool,
      writer: createNotificationWriter(pool, { maxConcurrent: config.WEBHOOK_INSERT_CONCURRENCY }),
      logger,
      metrics,
      verify: createNotificationVerifier(config.accounts),
      enqueuer,
      queueState: () => queueing.state(),
      notifyPath: config.WEBHOOK_NOTIFY_PATH,
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT,
      allowedSources: config.WEBHOOK_ALLOWED_IPS,
      trustProxy: config.WEBHOOK_TRUST_PROXY,
      storeTimeoutMs: config.WEBHOOK_STORE_TIMEOUT_MS,
    });
    const http = await startHttpServer(app, { host: config.WEBHOOK_HOST, port: config.WEBHOOK_PORT });
    logger.info(
      {
        host: config.WEBHOOK_HOST,
        port: http.port,
        path: config.WEBHOOK_NOTIFY_PATH,
        allowList: config.WEBHOOK_ALLOWED_IPS !== undefined,
      },
      'webhook listening',
    );
    return {
      stop: async () => {
        // In-flight deliveries finish (stored, answered, handed over) before anything closes.
        await http.close();
        await enqueuer.close();
        await queueing.close();
        await prisma.$disconnect();
        // Prisma ends the pool only if it ever used it; the receiver writes through the pool alone.
        if (!pool.ended) await pool.end();
      },
    };
  },
});
