import { z } from 'zod';

/** The CLI's settings from the environment; flags override them. */
export interface CliEnv {
  apiUrl: string | undefined;
  apiKey: string | undefined;
}

const envSchema = z.object({
  VEXORA_CHECKOUT_API_URL: z.string().trim().min(1).optional(),
  VEXORA_CHECKOUT_API_KEY: z.string().trim().min(1).optional(),
});

/** Reads `VEXORA_CHECKOUT_API_URL` and `VEXORA_CHECKOUT_API_KEY` (empty counts as unset). */
export function readCliEnv(source: Record<string, string | undefined> = process.env): CliEnv {
  const parsed = envSchema.safeParse({
    VEXORA_CHECKOUT_API_URL: source.VEXORA_CHECKOUT_API_URL || undefined,
    VEXORA_CHECKOUT_API_KEY: source.VEXORA_CHECKOUT_API_KEY || undefined,
  });
  // Both are optional strings: parsing cannot fail, but stay on the safe side.
  const env = parsed.success ? parsed.data : {};
  return { apiUrl: env.VEXORA_CHECKOUT_API_URL, apiKey: env.VEXORA_CHECKOUT_API_KEY };
}
