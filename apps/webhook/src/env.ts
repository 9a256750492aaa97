import {
  DEFAULT_DATABASE_URL,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
} from '@vexora-checkout/runtime';
import { z } from 'zod';

const webhookEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
  ...listenEnvShape('WEBHOOK', 4200),
  LOG_LEVEL: logLevelSchema,
});

export type WebhookConfig = z.output<typeof webhookEnvSchema>;

/** The webhook receiver's whole configuration, parsed once at start. */
export function loadWebhookConfig(source: Record<string, string | undefined> = process.env): WebhookConfig {
  return parseEnv('webhook', webhookEnvSchema, source);
}
