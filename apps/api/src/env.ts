import { parseVexoraAccounts, TRADE_NO_TIME_ZONE, type VexoraAccount } from '@vexora-checkout/contracts';
import {
  ConfigError,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
  redisUrlSchema,
} from '@vexora-checkout/runtime';
import { z } from 'zod';
import { parseDashboardSettings, type DashboardSettings } from './dashboard/dashboard-settings.js';

const apiEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
  /** The readiness probe and the per-key rate limits: the api writes to PostgreSQL alone. */
  REDIS_URL: redisUrlSchema.default(DEFAULT_REDIS_URL),
  ...listenEnvShape('API', 4000),
  LOG_LEVEL: logLevelSchema,
  /** Largest request body; a 1,000-item batch is about 400 KB. */
  API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(2_000_000),
  /** Connections in the api's PostgreSQL pool. */
  API_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** Hours a key's first response is replayed; Stripe's floor of 24 h is ours too. */
  IDEMPOTENCY_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(24, 'must be at least 24')
    .max(24 * 30)
    .default(48),
  /** How long a request waits for a concurrent one with the same key before answering 409. */
  IDEMPOTENCY_IN_FLIGHT_WAIT_MS: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Tokens per second each API key earns (a request costs 1, a batch 1 per started 100 items); 0: no limit. */
  API_RATE_LIMIT_PER_SECOND: z
    .string()
    .trim()
    // Number('') is 0: an empty value (a template's missing variable) must not turn the limit off.
    .min(1, 'must be a number of tokens per second (0 turns the limit off), not empty')
    .pipe(z.coerce.number<string>().min(0).max(100_000))
    .default(100),
  /** Tokens an API key can spend at once (the bucket's size). */
  API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** How long a rate-limit check may wait for Redis before the request proceeds unlimited. */
  API_RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(1).max(5_000).default(50),
  TRADE_NO_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9]{0,8}$/, 'must be at most 8 letters or digits')
    .default(''),
  TRADE_NO_TIME_ZONE: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Phnom_Penh')
    .default(TRADE_NO_TIME_ZONE),
});

export type ApiConfig = z.output<typeof apiEnvSchema> & {
  accounts: VexoraAccount[];
  usingDefaultAccounts: boolean;
  /** The operator dashboard (DASHBOARD_* and BULLMQ_PREFIX); no operators: it is off. */
  dashboard: DashboardSettings;
};

/** The api's whole configuration, parsed once at start. */
export function loadApiConfig(source: Record<string, string | undefined> = process.env): ApiConfig {
  const accounts = parseVexoraAccounts(source);
  const dashboard = parseDashboardSettings(source);
  const config = parseEnv('api', apiEnvSchema, source, [
    ...(accounts.ok ? [] : accounts.issues),
    ...(dashboard.ok ? [] : dashboard.issues),
  ]);
  if (!accounts.ok) throw new ConfigError('api', accounts.issues); // unreachable: parseEnv threw
  if (!dashboard.ok) throw new ConfigError('api', dashboard.issues); // unreachable too
  return {
    ...config,
    accounts: accounts.accounts,
    usingDefaultAccounts: accounts.usingDefaults,
    dashboard: dashboard.settings,
  };
}
