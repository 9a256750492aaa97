import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
  redisUrlSchema,
} from '@vexora-checkout/runtime';
import { z } from 'zod';

const workerEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
  REDIS_URL: redisUrlSchema.default(DEFAULT_REDIS_URL),
  ...listenEnvShape('WORKER_HEALTH', 4300),
  LOG_LEVEL: logLevelSchema,
});

export type WorkerConfig = z.output<typeof workerEnvSchema>;

/** The worker's whole configuration, parsed once at start. */
export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv('worker', workerEnvSchema, source);
}
