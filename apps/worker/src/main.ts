import { createPrismaClient } from '@vexora-checkout/db';
import {
  createHealthListener,
  createLogger,
  loadConfigOrExit,
  runService,
  startHttpServer,
} from '@vexora-checkout/runtime';
import { createRedisConnection } from './create-redis-connection.js';
import { loadWorkerConfig } from './env.js';

const config = loadConfigOrExit(() => loadWorkerConfig());
const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL });

await runService({
  logger,
  start: async () => {
    const prisma = createPrismaClient({ databaseUrl: config.DATABASE_URL, applicationName: 'vexora-worker' });
    const redis = createRedisConnection(config.REDIS_URL, 'vexora-worker');
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    // The worker has no public HTTP surface; this listener exists for orchestrators' probes.
    const health = createHealthListener('worker', {
      database: async () => {
        await prisma.$queryRaw`SELECT 1`;
      },
      redis: async () => {
        await redis.ping();
      },
    });
    const http = await startHttpServer(
      (request, response) => {
        if (request.url === '/health') void health(request, response);
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
        await http.close();
        await redis.quit();
        await prisma.$disconnect();
      },
    };
  },
});
