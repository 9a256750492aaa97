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
import { z } from 'zod';

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL such as ${example}` });

const workerEnvSchema = z
  .object({
    DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
    REDIS_URL: redisUrlSchema.default(DEFAULT_REDIS_URL),
    ...listenEnvShape('WORKER_HEALTH', 4300),
    LOG_LEVEL: logLevelSchema,
    /** Gateway base URL for accounts that name none; the sandbox by default. */
    VEXORA_BASE_URL: httpUrl('https://api.vexora.example').default('http://127.0.0.1:4100'),
    /** Our webhook as Vexora reaches it: sent as every order's notifyUrl. */
    WEBHOOK_PUBLIC_URL: httpUrl('https://pay.merchant.example/vexora/notify').default(
      'http://127.0.0.1:4200/vexora/notify',
    ),
    /** Where the payer returns after paying, for intents that name no returnUrl. */
    DEFAULT_RETURN_URL: httpUrl('https://shop.example/checkout/done').default('http://127.0.0.1:4000/return'),
    /** Key prefix of every BullMQ queue in Redis. */
    BULLMQ_PREFIX: bullmqPrefixSchema,
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(50),
    SUBMIT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
    SUBMIT_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),
    SUBMIT_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(300_000),
    /** Calls per second to Vexora per merchant account (an account's requestsPerSecond wins); 0: unlimited. */
    VEXORA_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(10_000).default(100),
    /** A SUBMITTING older than this was abandoned by a dead worker and may be taken over. */
    SUBMITTING_LEASE_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    /** BullMQ: how long a job's lock lasts without renewal, and how often stalled jobs are looked for. */
    WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /**
     * On SIGTERM, how long running jobs may take to finish; past it they are handed back to the
     * queue (0: at once). Keep it under the orchestrator's grace period minus a few seconds.
     */
    WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
    /** Intents by state (a count over the whole table) are recounted at most this often; 0: not reported. */
    WORKER_METRICS_INTENTS_TTL_MS: z.coerce
      .number()
      .int()
      .refine((ms) => ms === 0 || (ms >= 1_000 && ms <= 3_600_000), 'must be 0 or 1000-3600000')
      .default(60_000),
    SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
    SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
    /** A PENDING intent older than this without a live job is republished (e.g. Redis lost its data). */
    SWEEP_ORPHAN_GRACE_MS: z.coerce.number().int().min(10_000).default(120_000),
    /** An UNKNOWN intent older than this gets a submit job again (which asks the Query API first). */
    SWEEP_UNKNOWN_AFTER_MS: z.coerce.number().int().min(10_000).default(120_000),
    /** When AWAITING_PAYMENT intents are polled, in ms after entering the state, comma-separated. */
    SWEEP_POLL_SCHEDULE_MS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 300000,3600000')
      .default('300000,3600000,21600000')
      .transform((value) => value.split(',').map(Number)),
    /** Without a final status this long after the link was issued, an intent becomes EXPIRED. */
    PAYMENT_WINDOW_MS: z.coerce.number().int().min(600_000).default(86_400_000),
    /**
     * Notifications reconciled at once by this process. A job mostly waits on its Query API call
     * (its statements are shared with other jobs'): one process settles about this many ÷
     * Vexora's latency per second (100 at 200 ms: 500/s) until its CPU runs out.
     */
    RECONCILE_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(100),
    /** A stored notification still unprocessed this long after it arrived is enqueued again by the sweep. */
    RECONCILE_STRAGGLER_GRACE_MS: z.coerce.number().int().min(5_000).max(86_400_000).default(60_000),
    GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    GATEWAY_CONNECTIONS: z.coerce.number().int().min(1).max(1_024).default(64),
    WORKER_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  })
  .refine((env) => env.SUBMITTING_LEASE_MS > 2 * env.GATEWAY_TIMEOUT_MS, {
    path: ['SUBMITTING_LEASE_MS'],
    message: 'must be more than twice GATEWAY_TIMEOUT_MS: a live call must never look abandoned',
  });

export type WorkerConfig = z.output<typeof workerEnvSchema> & {
  accounts: VexoraAccount[];
  usingDefaultAccounts: boolean;
};

/** The worker's whole configuration, parsed once at start. */
export function loadWorkerConfig(source: Record<string, string | undefined> = process.env): WorkerConfig {
  const accounts = parseVexoraAccounts(source);
  const config = parseEnv('worker', workerEnvSchema, source, accounts.ok ? [] : accounts.issues);
  if (!accounts.ok) throw new ConfigError('worker', accounts.issues); // unreachable: parseEnv threw
  return { ...config, accounts: accounts.accounts, usingDefaultAccounts: accounts.usingDefaults };
}
