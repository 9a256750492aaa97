import { createLogger, loadConfigOrExit, runService, startHttpServer } from '@vexora-checkout/runtime';
import { createApp } from './create-app.js';
import { loadSandboxConfig } from './env.js';

const config = loadConfigOrExit(() => loadSandboxConfig());
const logger = createLogger({ service: 'sandbox', level: config.LOG_LEVEL });

await runService({
  logger,
  start: async () => {
    const http = await startHttpServer(createApp(), { host: config.SANDBOX_HOST, port: config.SANDBOX_PORT });
    logger.info({ host: config.SANDBOX_HOST, port: http.port }, 'sandbox gateway listening');
    return { stop: () => http.close() };
  },
});
