import { createPrismaClient } from '@vexora-checkout/db';
import { createLogger, loadConfigOrExit, runService, startHttpServer } from '@vexora-checkout/runtime';
import { createApp } from './create-app.js';
import { loadWebhookConfig } from './env.js';

const config = loadConfigOrExit(() => loadWebhookConfig());
const logger = createLogger({ service: 'webhook', level: config.LOG_LEVEL });

await runService({
  logger,
  start: async () => {
    const prisma = createPrismaClient({
      databaseUrl: config.DATABASE_URL,
      applicationName: 'vexora-webhook',
    });
    const http = await startHttpServer(createApp({ prisma }), {
      host: config.WEBHOOK_HOST,
      port: config.WEBHOOK_PORT,
    });
    logger.info({ host: config.WEBHOOK_HOST, port: http.port }, 'webhook listening');
    return {
      stop: async () => {
        await http.close();
        await prisma.$disconnect();
      },
    };
  },
});
