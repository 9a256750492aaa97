import { createLogger, loadConfigOrExit, runService } from '@vexora-checkout/runtime';
import { loadSandboxConfig } from './env.js';
import { startSandbox } from './start-sandbox.js';

const config = loadConfigOrExit(() => loadSandboxConfig());
const logger = createLogger({ service: 'sandbox', level: config.LOG_LEVEL });

await runService({
  logger,
  start: async () => {
    if (config.usingDefaultAccounts) {
      logger.warn(
        { merchants: config.accounts.map(({ merchantNo, currencies }) => ({ merchantNo, currencies })) },
        'no VEXORA_ACCOUNTS or VEXORA_MERCHANT_NO/VEXORA_APP_SECRET: using the development merchants',
      );
    }
    const sandbox = await startSandbox(config, logger);
    logger.info(
      {
        host: config.SANDBOX_HOST,
        port: sandbox.port,
        publicUrl: sandbox.publicUrl,
        merchants: config.accounts.map((account) => account.merchantNo),
        seed: config.seed,
        maxOrders: config.SANDBOX_MAX_ORDERS,
      },
      'sandbox gateway listening',
    );
    return { stop: () => sandbox.stop() };
  },
});
