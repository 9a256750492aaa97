export { findFreePort, isPortInUse } from './find-free-port.js';
export { findPostgresBinaries, type PostgresBinaries } from './find-postgres-binaries.js';
export { findRedisServer } from './find-redis-server.js';
export { isDockerAvailable } from './is-docker-available.js';
export { MissingBinaryError, POSTGRES_INSTALL_HINT, REDIS_INSTALL_HINT } from './missing-binary-error.js';
export { runCommand, type CommandResult } from './run-command.js';
export {
  isLocalPostgresRunning,
  preparePostgresDataDir,
  startLocalPostgres,
  stopLocalPostgres,
  type LocalPostgres,
  type LocalPostgresOptions,
} from './start-local-postgres.js';
export {
  isLocalRedisRunning,
  pingRedis,
  startLocalRedis,
  stopLocalRedis,
  type LocalRedis,
  type LocalRedisOptions,
} from './start-local-redis.js';
export {
  fallbackPostgresDataDir,
  readDevServicesState,
  resolveDevServicesLayout,
  type DevServicesLayout,
  type DevServicesMode,
  type DevServicesState,
} from './resolve-dev-services-layout.js';
export {
  getDevServicesStatus,
  startDevServices,
  stopDevServices,
  type DevServicesOptions,
  type DevServicesStatus,
} from './manage-dev-services.js';
