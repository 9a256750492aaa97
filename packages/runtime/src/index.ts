export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './create-logger.js';
export {
  bullmqPrefixSchema,
  ConfigError,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  databaseUrlSchema,
  hostSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
  portSchema,
  redisUrlSchema,
} from './parse-env.js';
export { startHttpServer, type HttpServerHandle } from './start-http-server.js';
export { checkHealth, type HealthCheck, type HealthReport } from './check-health.js';
export { runService, type RunningService, type RunServiceOptions } from './run-service.js';
export { loadConfigOrExit } from './load-config-or-exit.js';
export { createHealthListener } from './create-health-listener.js';
export { escapeHtml } from './escape-html.js';
export { assignRequestId } from './assign-request-id.js';
