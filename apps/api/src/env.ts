import {
  DEFAULT_DATABASE_URL,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
} from '@vexora-checkout/runtime';
import { z } from 'zod';

const apiEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
  ...listenEnvShape('API', 4000),
  LOG_LEVEL: logLevelSchema,
});

export type ApiConfig = z.output<typeof apiEnvSchema>;

/** The api's whole configuration, parsed once at start. */
export function loadApiConfig(source: Record<string, string | undefined> = process.env): ApiConfig {
  return parseEnv('api', apiEnvSchema, source);
}
