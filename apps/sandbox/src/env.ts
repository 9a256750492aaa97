import { parseVexoraAccounts, type VexoraAccount } from '@vexora-checkout/contracts';
import { ConfigError, listenEnvShape, logLevelSchema, parseEnv } from '@vexora-checkout/runtime';
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { NOTIFY_TIMEOUT_MS } from './notifications/notify-retry-delays.js';
import { parseScenario } from './scenario/parse-scenario.js';
import type { Scenario } from './scenario/scenario-schema.js';

/**
 * Default cap on orders held. An order takes about 0.7 KiB, 1.7 KiB once settled with its
 * notification recorded (measured on Node 20), so the default bounds the sandbox's orders to
 * about 350 MiB at worst. At the cap, new checkouts are refused (see SandboxGateway.checkout).
 */
export const DEFAULT_MAX_ORDERS = 200_000;

const sandboxEnvSchema = z.object({
  ...listenEnvShape('SANDBOX', 4100),
  LOG_LEVEL: logLevelSchema,
  SANDBOX_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:4100' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  SANDBOX_MAX_ORDERS: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(DEFAULT_MAX_ORDERS),
  SANDBOX_NOTIFY_TIME_SCALE: z.coerce
    .number({ error: 'must be a number, e.g. 0.001' })
    .positive('must be greater than 0')
    .max(1000, 'must be at most 1000')
    .default(1),
  SANDBOX_NOTIFY_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1, 'must be at least 1')
    .max(600_000, 'must be at most 600000')
    .default(NOTIFY_TIMEOUT_MS),
  SANDBOX_SEED: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 4294967295')
    .max(0xffff_ffff, 'must be between 0 and 4294967295')
    .optional(),
  SANDBOX_SCENARIO: z.string().default('{}'),
});

export type SandboxConfig = Omit<z.output<typeof sandboxEnvSchema>, 'SANDBOX_SCENARIO' | 'SANDBOX_SEED'> & {
  /** From VEXORA_ACCOUNTS, or VEXORA_MERCHANT_NO + VEXORA_APP_SECRET, or the development defaults. */
  accounts: VexoraAccount[];
  usingDefaultAccounts: boolean;
  /** The scenario at start, from SANDBOX_SCENARIO (JSON, the shape of PUT /_sandbox/scenario). */
  scenario: Scenario;
  /** SANDBOX_SEED, or a random one (logged, so a run can be replayed). */
  seed: number;
};

/** The sandbox gateway's whole configuration, parsed once at start; every problem is listed at once. */
export function loadSandboxConfig(source: Record<string, string | undefined> = process.env): SandboxConfig {
  const issues: string[] = [];
  let base: z.output<typeof sandboxEnvSchema> | undefined;
  try {
    base = parseEnv('sandbox', sandboxEnvSchema, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }
  const accounts = parseVexoraAccounts(source);
  if (!accounts.ok) issues.push(...accounts.issues);
  const scenario = readScenario(source.SANDBOX_SCENARIO ?? '{}');
  if (!scenario.ok) issues.push(...scenario.issues.map((issue) => `SANDBOX_SCENARIO: ${issue}`));
  if (!base || !accounts.ok || !scenario.ok) throw new ConfigError('sandbox', issues);
  const { SANDBOX_SCENARIO: _scenario, SANDBOX_SEED: seed, ...rest } = base;
  return {
    ...rest,
    accounts: accounts.accounts,
    usingDefaultAccounts: accounts.usingDefaults,
    scenario: scenario.scenario,
    seed: seed ?? randomInt(0, 0xffff_ffff),
  };
}

function readScenario(text: string): ReturnType<typeof parseScenario> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, issues: ['must be JSON, e.g. {"faults":{"http500":0.1}}'] };
  }
  return parseScenario(value);
}
