import type { VexoraAccount } from '@vexora-checkout/contracts';
import { createDatabaseClients } from '@vexora-checkout/db';
import { createGatewayClient, type GatewayClient } from '@vexora-checkout/gateway-client';
import {
  createHealthListener,
  createLogger,
  loadConfigOrExit,
  runService,
  startHttpServer,
} from '@vexora-checkout/runtime';
import { Worker } from 'bullmq';
import { createRedisConnection } from './create-redis-connection.js';
import { loadWorkerConfig } from './env.js';
import {
  createMetricsPool,
  createWorkerMetrics,
  endMetricsPool,
  measureGateway,
  serveMetrics,
} from './metrics/index.js';
import { closeWorkersWithin, trackActiveJobs } from './shutdown/close-workers-within.js';
import { startOutboxRelay } from './outbox/index.js';
import {
  countOpenExceptions,
  createReconcileMetrics,
  createReconcileProcessor,
  createReconcileQueue,
  RECONCILE_QUEUE,
} from './reconcile/index.js';
import { createSweepProcessor, createSweepQueue, scheduleSweeps, SWEEP_QUEUE } from './sweeps/index.js';
import { createAccountRateLimiter } from './rate-limit/create-account-rate-limiter.js';
import { rateLimitGateway } from './rate-limit/rate-limit-gateway.js';
import {
  createSubmitBackoff,
  createSubmitProcessor,
  createSubmitQueue,
  SUBMIT_QUEUE,
} from './submit/submit-queue.js';

const config = loadConfigOrExit(() => loadWorkerConfig());
const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });
if (config.usingDefaultAccounts) {
  logger.warn('no VEXORA_ACCOUNTS or VEXORA_MERCHANT_NO configured: using the sandbox development accounts');
}

await runService({
  logger,
  // Active jobs get WORKER_SHUTDOWN_TIMEOUT_MS, closing the rest a few seconds; then exit anyway.
  shutdownTimeoutMs: config.WORKER_SHUTDOWN_TIMEOUT_MS + 10_000,
  start: async () => {
    // Prisma for the sweeps; its pool for the plain SQL of the submit path and of reconciliation's
    // fast path (one pool for all).
    const { prisma, pool } = createDatabaseClients({
      databaseUrl: config.DATABASE_URL,
      poolSize: config.WORKER_DATABASE_POOL_SIZE,
      applicationName: 'vexora-worker',
    });
    const redis = createRedisConnection(config.REDIS_URL, 'vexora-worker');
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    // Prometheus metrics, served on the health listener; the counts read at scrape time use a
    // small pool of their own.
    const metricsPool = createMetricsPool(config.DATABASE_URL);
    const metrics = createWorkerMetrics({
      pool: metricsPool,
      logger: logger.child({ component: 'metrics' }),
      intentsTtlMs: config.WORKER_METRICS_INTENTS_TTL_MS,
    });

    // One keep-alive pool per merchant account's gateway, paced by the account's rate budget
    // (shared by every worker process through Redis).
    const limiter = createAccountRateLimiter(redis, {
      keyPrefix: config.BULLMQ_PREFIX,
      requestsPerSecond: (accountId) =>
        config.accounts.find((account) => account.id === accountId)?.requestsPerSecond ??
        config.VEXORA_REQUESTS_PER_SECOND,
    });
    const gateways = new Map<string, GatewayClient>();
    const gatewayFor = (account: VexoraAccount): GatewayClient => {
      let client = gateways.get(account.id);
      if (!client) {
        const direct = createGatewayClient({
          baseUrl: account.baseUrl ?? config.VEXORA_BASE_URL,
          account,
          timeoutMs: config.GATEWAY_TIMEOUT_MS,
          connections: config.GATEWAY_CONNECTIONS,
        });
        // Measured inside the pacing: the histogram is Vexora's latency, not our rate limit.
        client = rateLimitGateway(measureGateway(direct, metrics), limiter, account.id);
        gateways.set(account.id, client);
      }
      return client;
    };

    const submitQueue = createSubmitQueue({
      connection: redis,
      prefix: config.BULLMQ_PREFIX,
      maxAttempts: config.SUBMIT_MAX_ATTEMPTS,
    });
    submitQueue.on('error', (error) => logger.warn({ err: error }, 'checkout-submit queue error'));
    const relay = await startOutboxRelay({
      databaseUrl: config.DATABASE_URL,
      queues: { [SUBMIT_QUEUE]: submitQueue },
      logger: logger.child({ component: 'outbox-relay' }),
    });
    const submitWorker = new Worker(
      SUBMIT_QUEUE,
      createSubmitProcessor({
        prisma,
        pool,
        gatewayFor,
        accounts: config.accounts,
        notifyUrl: config.WEBHOOK_PUBLIC_URL,
        defaultReturnUrl: config.DEFAULT_RETURN_URL,
        submittingLeaseMs: config.SUBMITTING_LEASE_MS,
      }),
      {
        connection: redis,
        prefix: config.BULLMQ_PREFIX,
        concurrency: config.WORKER_CONCURRENCY,
        // A worker killed mid-job stops renewing its lock; after lockDuration another worker's
        // stalled check (every stalledInterval) moves the job back to waiting.
        lockDuration: config.WORKER_LOCK_DURATION_MS,
        stalledInterval: config.WORKER_STALLED_INTERVAL_MS,
        maxStalledCount: 10,
        settings: {
          backoffStrategy: createSubmitBackoff({
            baseMs: config.SUBMIT_BACKOFF_BASE_MS,
            maxMs: config.SUBMIT_BACKOFF_MAX_MS,
          }),
        },
      },
    );
    submitWorker.on('error', (error) => logger.warn({ err: error }, 'checkout-submit worker error'));
    metrics.observeWorker(submitWorker);
    const trackedSubmitWorker = trackActiveJobs(submitWorker);
    submitWorker.on('failed', (job, error) => {
      if (error.name !== 'RetryLaterError') logger.error({ err: error, jobId: job?.id }, 'submit job failed');
    });

    // Reconciliation of the notifications the webhook stored (it adds the jobs; the sweep adds
    // stragglers again). Retries and retention come from the jobs' shared options.
    const reconcileQueue = createReconcileQueue({ connection: redis, prefix: config.BULLMQ_PREFIX });
    reconcileQueue.on('error', (error) => logger.warn({ err: error }, 'notification-reconcile queue error'));
    const reconcileWorker = new Worker(
      RECONCILE_QUEUE,
      createReconcileProcessor({
        prisma,
        pool,
        gatewayFor,
        accounts: config.accounts,
        metrics: createReconcileMetrics(metrics.registry, {
          countOpenExceptions: () => countOpenExceptions(prisma),
          onError: (error) => logger.warn({ err: error }, 'could not count open reconciliation exceptions'),
        }),
      }),
      {
        connection: redis,
        prefix: config.BULLMQ_PREFIX,
        concurrency: config.RECONCILE_CONCURRENCY,
        // A job that stalls twice fails; the row stays unprocessed and the straggler sweep adds
        // it again (a rerun applies nothing twice).
        maxStalledCount: 1,
      },
    );
    reconcileWorker.on('error', (error) =>
      logger.warn({ err: error }, 'notification-reconcile worker error'),
    );
    metrics.observeWorker(reconcileWorker);
    const trackedReconcileWorker = trackActiveJobs(reconcileWorker);
    reconcileWorker.on('failed', (job, error) => {
      if (error.name !== 'InconclusiveProofError')
        logger.error({ err: error, jobId: job?.id }, 'reconcile job failed');
    });

    const sweepQueue = createSweepQueue({ connection: redis, prefix: config.BULLMQ_PREFIX });
    sweepQueue.on('error', (error) => logger.warn({ err: error }, 'sweeps queue error'));
    // One scheduler id for every worker process: several workers upsert the same schedule. It is
    // upserted again every interval, so a Redis that lost its data gets it back.
    await scheduleSweeps(sweepQueue, config.SWEEP_INTERVAL_MS);
    const rescheduler = setInterval(() => {
      scheduleSweeps(sweepQueue, config.SWEEP_INTERVAL_MS).catch((error: unknown) =>
        logger.warn({ err: error }, 'could not upsert the sweep schedule'),
      );
    }, config.SWEEP_INTERVAL_MS);
    rescheduler.unref();
    const sweepWorker = new Worker(
      SWEEP_QUEUE,
      createSweepProcessor({
        prisma,
        submitQueue,
        reconcileQueue,
        redis,
        keyPrefix: config.BULLMQ_PREFIX,
        gatewayFor,
        accounts: config.accounts,
        logger: logger.child({ component: 'sweeps' }),
        options: {
          batchSize: config.SWEEP_BATCH_SIZE,
          orphanGraceMs: config.SWEEP_ORPHAN_GRACE_MS,
          unknownAfterMs: config.SWEEP_UNKNOWN_AFTER_MS,
          pollScheduleMs: config.SWEEP_POLL_SCHEDULE_MS,
          paymentWindowMs: config.PAYMENT_WINDOW_MS,
          submittingLeaseMs: config.SUBMITTING_LEASE_MS,
          pollClaimTtlMs: config.GATEWAY_TIMEOUT_MS * 2 + 10_000,
          stragglerGraceMs: config.RECONCILE_STRAGGLER_GRACE_MS,
        },
      }),
      { connection: redis, prefix: config.BULLMQ_PREFIX, concurrency: 1 },
    );
    sweepWorker.on('error', (error) => logger.warn({ err: error }, 'sweeps worker error'));
    metrics.observeWorker(sweepWorker);
    const trackedSweepWorker = trackActiveJobs(sweepWorker);
    sweepWorker.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id }, 'sweep failed'));

    // The worker has no public HTTP surface; this listener exists for orchestrators' probes.
    const health = createHealthListener('worker', {
      database: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      redis: async () => {
        await redis.ping();
      },
    });
    metrics.reportQueueDepth([submitQueue, reconcileQueue, sweepQueue], () => redis.status === 'ready');
    const http = await startHttpServer(
      (request, response) => {
        if (request.url === '/health') void health(request, response);
        else if (request.url === '/metrics') void serveMetrics(metrics.registry, logger, request, response);
        else response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      },
      { host: config.WORKER_HEALTH_HOST, port: config.WORKER_HEALTH_PORT },
    );
    logger.info(
      { host: config.WORKER_HEALTH_HOST, port: http.port },
      'worker started; health probe listening',
    );
    return {
      stop: async () => {
        const deadline = Date.now() + config.WORKER_SHUTDOWN_TIMEOUT_MS;
        // Stop publishing; then no worker takes a new job and the running ones get until the
        // deadline, after which they are handed back to the queue (docs/operations.md).
        clearInterval(rescheduler);
        await relay.stop();
        const closed = await closeWorkersWithin(
          [trackedSubmitWorker, trackedReconcileWorker, trackedSweepWorker],
          {
            deadline,
            logger,
          },
        );
        if (closed.forced) logger.warn({ handedBack: closed.handedBack }, 'stopped at the shutdown deadline');
        await Promise.all([submitQueue.close(), reconcileQueue.close(), sweepQueue.close()]);
        // Calls of handed-back jobs may still be in flight: waiting for them is pointless, the
        // process is leaving and the jobs will run elsewhere.
        if (!closed.forced) await Promise.all([...gateways.values()].map((client) => client.close()));
        await http.close();
        await endMetricsPool(metricsPool);
        await redis.quit();
        await prisma.$disconnect();
        // Prisma ends the pool only if it ever used it; the submit path may have used the pool alone.
        if (!pool.ended) await pool.end();
      },
    };
  },
});
