import { createPrismaClient } from '@vexora-checkout/db';
import { createLogger, loadConfigOrExit, runService, startHttpServer } from '@vexora-checkout/runtime';
import { createApp } from './create-app.js';
import { loadApiConfig } from './env.js';

const config = loadConfigOrExit(() => loadApiConfig());
const logger = createLogger({ service: 'api', level: config.LOG_LEVEL });

await runService({
  logger,
  start: async () => {
    const prisma = createPrismaClient({ databaseUrl: config.DATABASE_URL, applicationName: 'vexora-api' });
    const http = await startHttpServer(createApp({ prisma }), {
      host: config.API_HOST,
      port: config.API_PORT,
    });
    logger.info({ host: config.API_HOST, port: http.port }, 'api listening');
    return {
      stop: async () => {
        await http.close();
        await prisma.$disconnect();
      },
    };
  },
});
