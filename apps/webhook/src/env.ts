import { parseVexoraAccounts, type VexoraAccount } from '@vexora-checkout/contracts';
import {
  bullmqPrefixSchema,
  ConfigError,
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  databaseUrlSchema,
  listenEnvShape,
  logLevelSchema,
  parseEnv,
  redisUrlSchema,
} from '@vexora-checkout/runtime';
import type { BlockList } from 'node:net';
import { z } from 'zod';
import { parseIpRanges } from './source-ip/parse-ip-ranges.js';
import { parseTrustProxy, type TrustProxy } from './source-ip/parse-trust-proxy.js';

/** "65536", "64kb" or "1mb": a body size in bytes. */
const byteSize = z
  .string()
  .trim()
  .regex(/^\d+(kb|mb)?$/i, 'must be a number of bytes, or of kb or mb, such as 65536 or 64kb')
  .transform((value) => {
    const match = /^(\d+)(kb|mb)?$/i.exec(value);
    const unit = match?.[2]?.toLowerCase();
    return Number(match?.[1]) * (unit === 'mb' ? 1_048_576 : unit === 'kb' ? 1_024 : 1);
  })
  .pipe(z.number().int().min(1_024, 'must be at least 1kb').max(10_485_760, 'must be at most 10mb'));

const webhookEnvSchema = z
  .object({
    DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
    /** Only for handing stored notifications to the reconcile queue: never needed to store them. */
    REDIS_URL: redisUrlSchema.default(DEFAULT_REDIS_URL),
    ...listenEnvShape('WEBHOOK', 4200),
    LOG_LEVEL: logLevelSchema,
    /** Where Vexora POSTs; must match the path of the worker's WEBHOOK_PUBLIC_URL. */
    WEBHOOK_NOTIFY_PATH: z
      .string()
      .trim()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'must be a URL path such as /vexora/notify')
      .default('/vexora/notify'),
    /** Largest notification body (413 beyond); a real one is well under 1 kB. */
    WEBHOOK_BODY_LIMIT: byteSize.default(65_536),
    /** Source addresses allowed to post notifications (comma-separated CIDRs); unset: anyone. */
    WEBHOOK_ALLOWED_IPS: z
      .string()
      .optional()
      .transform((value, context): BlockList | undefined => {
        if (value === undefined || value.trim() === '') return undefined;
        const parsed = parseIpRanges(value);
        if (parsed.ok) return parsed.list;
        for (const issue of parsed.issues) context.addIssue({ code: 'custom', message: issue });
        return z.NEVER;
      }),
    /** Express "trust proxy": false, true, a hop count, or the proxies' addresses (CIDRs, loopback…). */
    WEBHOOK_TRUST_PROXY: z
      .string()
      .default('false')
      .transform((value, context): TrustProxy => {
        const parsed = parseTrustProxy(value);
        if (parsed.ok) return parsed.value;
        context.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }),
    /** How long storing may take before the answer is 503 (Vexora gives up on us after 10 s). */
    WEBHOOK_STORE_TIMEOUT_MS: z.coerce.number().int().min(100).max(9_000).default(5_000),
    /** How long handing a row to the queue may take before it is left to the worker's sweep. */
    WEBHOOK_ENQUEUE_TIMEOUT_MS: z.coerce.number().int().min(50).max(30_000).default(1_000),
    WEBHOOK_DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(4),
    /**
     * INSERT statements in flight at once. Few on purpose: deliveries arriving meanwhile are stored
     * together by the next statement (one commit for many), which is what keeps the cost per
     * notification low under load.
     */
    WEBHOOK_INSERT_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(2),
    /** Key prefix of every BullMQ queue in Redis: the worker's value. */
    BULLMQ_PREFIX: bullmqPrefixSchema,
  })
  .refine((env) => env.WEBHOOK_INSERT_CONCURRENCY < env.WEBHOOK_DATABASE_POOL_SIZE, {
    path: ['WEBHOOK_INSERT_CONCURRENCY'],
    message: 'must be less than WEBHOOK_DATABASE_POOL_SIZE (a connection stays free for /health)',
  });

export type WebhookConfig = z.output<typeof webhookEnvSchema> & {
  accounts: VexoraAccount[];
  usingDefaultAccounts: boolean;
};

/** The webhook receiver's whole configuration, parsed once at start. */
export function loadWebhookConfig(source: Record<string, string | undefined> = process.env): WebhookConfig {
  const accounts = parseVexoraAccounts(source);
  const config = parseEnv('webhook', webhookEnvSchema, source, accounts.ok ? [] : accounts.issues);
  if (!accounts.ok) throw new ConfigError('webhook', accounts.issues); // unreachable: parseEnv threw
  return { ...config, accounts: accounts.accounts, usingDefaultAccounts: accounts.usingDefaults };
}
