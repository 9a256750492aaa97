import { z } from 'zod';

/** Thrown when configuration is invalid; its message lists every bad variable at once. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(service: string, issues: readonly string[]) {
    super(`Invalid configuration for ${service}:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/**
 * Parses a process environment with one zod object. Each app calls it once, at start, from its
 * env.ts; nothing else reads process.env.
 */
export function parseEnv<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  source: Record<string, string | undefined>,
  /** Problems found by other parsers of the same environment, reported in the same error. */
  otherIssues: readonly string[] = [],
): z.output<Schema> {
  const result = schema.safeParse(source);
  const issues = result.success
    ? []
    : result.error.issues.map((issue) => {
        const name = issue.path.map(String).join('.') || '(environment)';
        return `${name}: ${issue.message}`;
      });
  if (result.success && otherIssues.length === 0) return result.data;
  throw new ConfigError(service, [...issues, ...otherIssues]);
}

/** A TCP port, given as a decimal string in the environment; 0 lets the kernel pick a free one. */
export const portSchema = (defaultPort: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(defaultPort);

export const logLevelSchema = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');

const urlWithProtocols = (protocols: readonly string[], example: string) =>
  z
    .string({ error: `is required (for example ${example})` })
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (for example ${example})`,
    );

export const databaseUrlSchema = urlWithProtocols(
  ['postgresql:', 'postgres:'],
  'postgresql://postgres@127.0.0.1:54329/vexora_checkout',
);

export const redisUrlSchema = urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:63799');

/** BULLMQ_PREFIX: the key prefix of every BullMQ queue; every service on one queue must agree on it. */
export const bullmqPrefixSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,32}$/, 'must be 1-32 lowercase letters, digits, "-" or "_"')
  .default('vexora');

/** The address servers bind to; loopback by default so a developer machine exposes nothing. */
export const hostSchema = z.string().trim().min(1).default('127.0.0.1');

/** Default URLs, shared by the apps and the services script so `npm start` needs no configuration. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:54329/vexora_checkout';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:63799';

/**
 * The `<PREFIX>_HOST` and `<PREFIX>_PORT` pair every listening app has, e.g. `API_HOST`/`API_PORT`.
 * Spread it into an app's env schema.
 */
export function listenEnvShape<Prefix extends string>(prefix: Prefix, defaultPort: number) {
  return {
    [`${prefix}_HOST`]: hostSchema,
    [`${prefix}_PORT`]: portSchema(defaultPort),
  } as { [K in `${Prefix}_HOST`]: typeof hostSchema } & {
    [K in `${Prefix}_PORT`]: ReturnType<typeof portSchema>;
  };
}
