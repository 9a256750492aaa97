import { createDatabaseClients } from '@vexora-checkout/db';
import { createLogger, loadConfigOrExit, runService, startHttpServer } from '@vexora-checkout/runtime';
import { Redis } from 'ioredis';
import { createApiKeyAuthenticator } from './auth/authenticate-api-key.js';
import { createOutboxWakeUp } from './checkouts/create-outbox-wake-up.js';
import { createApp } from './create-app.js';
import { createMetrics } from './create-metrics.js';
import { createDashboard } from './dashboard/create-dashboard.js';
import { loadApiConfig } from './env.js';
import { createKeyRateLimiter, createRateLimitRedis } from './rate-limit/create-key-rate-limiter.js';

const config = loadConfigOrExit(() => loadApiConfig());
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });
if (config.usingDefaultAccounts) {
  logger.warn('no VEXORA_ACCOUNTS or VEXORA_MERCHANT_NO configured: using the sandbox development accounts');
}

await runService({
  logger,
  start: async () => {
    const { prisma, pool } = createDatabaseClients({
      databaseUrl: config.DATABASE_URL,
      poolSize: config.API_DATABASE_POOL_SIZE,
      applicationName: 'vexora-api',
    });
    // Lazy and without retries: only the readiness probe uses it, and it must fail fast.
    const redis = new Redis(config.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    redis.on('error', () => undefined);
    const outboxWakeUp = createOutboxWakeUp(pool);
    // Off without operators; its Bull Board opens its own Redis connection on first use only.
    const dashboard =
      config.dashboard.operators.length > 0
        ? createDashboard({ prisma, logger, settings: config.dashboard, redisUrl: config.REDIS_URL })
        : undefined;
    const rateLimitRedis =
      config.API_RATE_LIMIT_PER_SECOND > 0
        ? createRateLimitRedis(config.REDIS_URL, config.API_RATE_LIMIT_TIMEOUT_MS)
        : undefined;
    const app = createApp({
      prisma,
      pool,
      outboxWakeUp,
      logger,
      metrics: createMetrics(),
      authenticate: createApiKeyAuthenticator(prisma),
      accounts: config.accounts,
      create: {
        tradeNoPrefix: config.TRADE_NO_PREFIX,
        tradeNoTimeZone: config.TRADE_NO_TIME_ZONE,
        idempotencyTtlMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
        inFlightWaitMs: config.IDEMPOTENCY_IN_FLIGHT_WAIT_MS,
      },
      bodyLimitBytes: config.API_BODY_LIMIT_BYTES,
      ...(dashboard && { dashboard }),
      ...(rateLimitRedis && {
        rateLimiter: createKeyRateLimiter(rateLimitRedis, {
          tokensPerSecond: config.API_RATE_LIMIT_PER_SECOND,
          burst: config.API_RATE_LIMIT_BURST,
          timeoutMs: config.API_RATE_LIMIT_TIMEOUT_MS,
        }),
      }),
      readinessChecks: {
        redis: async () => {
          if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
          await redis.ping();
        },
      },
    });
    const http = await startHttpServer(app, { host: config.API_HOST, port: config.API_PORT });
    logger.info({ host: config.API_HOST, port: http.port }, 'api listening');
    return {
      stop: async () => {
        await http.close();
        await outboxWakeUp.flush(); // the last creates' wake-up, if it was still waiting
        await dashboard?.close();
        redis.disconnect();
        rateLimitRedis?.disconnect();
        await prisma.$disconnect();
      },
    };
  },
});
