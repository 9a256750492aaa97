import { bullmqPrefixSchema } from '@vexora-checkout/runtime';
import { z } from 'zod';
import { parseOperatorPasswordHash, type ScryptHash } from './operator-password.js';

export interface DashboardOperator {
  name: string;
  password: ScryptHash;
  /** The stored hash as configured: a session remembers a digest of it (a new password ends it). */
  passwordText: string;
}

export interface DashboardSettings {
  /** Empty: the dashboard is off (`/dashboard` answers 404 with a page saying how to enable it). */
  operators: DashboardOperator[];
  sessionSecret: string | undefined;
  sessionTtlMs: number;
  /** `auto`: Secure when the request is https as Express sees it; `always` behind a TLS proxy. */
  cookieSecure: 'auto' | 'always' | 'never';
  bullmqPrefix: string;
}

export const OPERATOR_NAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

const dashboardEnvSchema = z.object({
  DASHBOARD_OPERATORS: z.string().trim().optional(),
  DASHBOARD_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)')
    .optional(),
  DASHBOARD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(8 * 60),
  DASHBOARD_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default('auto'),
  BULLMQ_PREFIX: bullmqPrefixSchema,
});

/**
 * The dashboard's settings from the api's environment (env.ts passes it): operators as
 * `name:<hash>` separated by commas (hashes from `npm run operator-password`), the session secret
 * (required when there are operators), the session lifetime, the cookie's Secure flag, and the
 * BullMQ prefix of the queues Bull Board shows. Problems come back as issues, reported by env.ts
 * with the rest of the api's configuration.
 */
export function parseDashboardSettings(
  source: Readonly<Record<string, string | undefined>>,
): { ok: true; settings: DashboardSettings } | { ok: false; issues: string[] } {
  const parsed = dashboardEnvSchema.safeParse(source);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`),
    };
  }
  const env = parsed.data;
  const issues: string[] = [];
  const operators: DashboardOperator[] = [];
  const entries = (env.DASHBOARD_OPERATORS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const password = colon < 0 ? undefined : parseOperatorPasswordHash(entry.slice(colon + 1));
    if (!OPERATOR_NAME_PATTERN.test(name)) {
      issues.push(
        `DASHBOARD_OPERATORS: entry ${index + 1} must start with a name of 1-64 letters, digits or ._@-`,
      );
    } else if (!password) {
      // Never echo the entry: it holds a password hash.
      issues.push(
        `DASHBOARD_OPERATORS: entry ${index + 1} (${name}) must be name:<hash from npm run operator-password>`,
      );
    } else if (operators.some((operator) => operator.name === name)) {
      issues.push(`DASHBOARD_OPERATORS: ${name} is listed twice`);
    } else {
      operators.push({ name, password, passwordText: entry.slice(colon + 1) });
    }
  }
  if (entries.length > 0 && env.DASHBOARD_SESSION_SECRET === undefined) {
    issues.push('DASHBOARD_SESSION_SECRET: required when DASHBOARD_OPERATORS is set');
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    settings: {
      operators,
      sessionSecret: env.DASHBOARD_SESSION_SECRET,
      sessionTtlMs: env.DASHBOARD_SESSION_TTL_MINUTES * 60_000,
      cookieSecure: env.DASHBOARD_COOKIE_SECURE,
      bullmqPrefix: env.BULLMQ_PREFIX,
    },
  };
}
