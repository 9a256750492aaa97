import { createLogger } from '@vexora-checkout/runtime';
import { loadSandboxConfig } from '../../src/env.js';
import { startSandbox, type RunningSandbox, type SandboxOverrides } from '../../src/start-sandbox.js';
import { USD_MERCHANT } from './build-checkout-body.js';

export interface TestSandbox extends RunningSandbox {
  url: string;
  /** POSTs a gateway call with the merchantNo header; resolves with HTTP status and JSON body. */
  call(
    path: '/v1/vexora/checkout' | '/v1/vexora/queryPayInResult',
    body: unknown,
    merchantNo?: string,
  ): Promise<{ status: number; body: GatewayAnswer }>;
  /** A request to the admin API (`/_sandbox/...`), JSON in and out. */
  admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

export interface GatewayAnswer {
  msg: string;
  code: string;
  timestamp: number;
  success: boolean;
  data: Record<string, string> | null;
}

/**
 * The real sandbox, in this process, on a free port: real HTTP, real timers, the development
 * merchants, seed 7, notification schedule sped up 1000 times. Stop it in the test.
 */
export async function startTestSandbox(
  env: Record<string, string> = {},
  overrides: SandboxOverrides = {},
): Promise<TestSandbox> {
  const config = loadSandboxConfig({
    SANDBOX_PORT: '0',
    SANDBOX_SEED: '7',
    LOG_LEVEL: 'silent',
    SANDBOX_NOTIFY_TIME_SCALE: '0.001',
    ...env,
  });
  const sandbox = await startSandbox(
    config,
    createLogger({ service: 'sandbox', level: 'silent' }),
    overrides,
  );
  const url = `http://127.0.0.1:${sandbox.port}`;
  return {
    ...sandbox,
    url,
    call: async (path, body, merchantNo = USD_MERCHANT) => {
      const response = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', merchantNo },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json()) as GatewayAnswer };
    },
    admin: async (method, path, body) => {
      const response = await fetch(`${url}/_sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}
