// npm run services:up | services:down | services:status
// PostgreSQL and Redis for development, one way for every machine: docker compose when a Docker
// engine answers, the installed server binaries otherwise. Ports come from DATABASE_URL/REDIS_URL.
import {
  getDevServicesStatus,
  resolveDevServicesLayout,
  startDevServices,
  stopDevServices,
} from '../packages/dev-services/src/index.js';
import { devConfig, repoRoot } from './dev-config.js';

const command = process.argv[2] ?? '';
const layout = resolveDevServicesLayout(repoRoot, devConfig.databaseUrl, devConfig.redisUrl);
const mode = devConfig.servicesMode;
if (mode !== undefined && mode !== 'docker' && mode !== 'local') {
  console.error(`SERVICES_MODE must be "docker" or "local", not "${String(mode)}"`);
  process.exit(2);
}
const options = {
  mode,
  postgresBinDir: devConfig.postgresBinDir,
  path: devConfig.path,
  log: (message: string) => console.log(`services: ${message}`),
};

try {
  switch (command) {
    case 'up': {
      await startDevServices(layout, options);
      console.log(
        `services: ready\n  DATABASE_URL=${devConfig.databaseUrl}\n  REDIS_URL=${devConfig.redisUrl}`,
      );
      break;
    }
    case 'down':
      await stopDevServices(layout, options);
      break;
    case 'status': {
      const status = await getDevServicesStatus(layout, options);
      const word = (up: boolean) => (up ? 'running' : 'stopped');
      console.log(`mode:       ${status.mode}`);
      console.log(`postgresql: ${word(status.postgres)} (127.0.0.1:${layout.postgres.port})`);
      console.log(`redis:      ${word(status.redis)} (127.0.0.1:${layout.redis.port})`);
      process.exitCode = status.postgres && status.redis ? 0 : 1;
      break;
    }
    default:
      console.error('usage: tsx scripts/services.ts up|down|status');
      process.exitCode = 2;
  }
} catch (error) {
  console.error(`services: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
