import { listenEnvShape, logLevelSchema, parseEnv } from '@vexora-checkout/runtime';
import { z } from 'zod';

const sandboxEnvSchema = z.object({
  ...listenEnvShape('SANDBOX', 4100),
  LOG_LEVEL: logLevelSchema,
});

export type SandboxConfig = z.output<typeof sandboxEnvSchema>;

/** The sandbox gateway's whole configuration, parsed once at start. */
export function loadSandboxConfig(source: Record<string, string | undefined> = process.env): SandboxConfig {
  return parseEnv('sandbox', sandboxEnvSchema, source);
}
