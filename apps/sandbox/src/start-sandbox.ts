import { startHttpServer, type Logger } from '@vexora-checkout/runtime';
import { createSystemClock, type Clock } from './clock/create-system-clock.js';
import { createApp } from './create-app.js';
import type { SandboxConfig } from './env.js';
import { SandboxGateway } from './gateway/sandbox-gateway.js';
import { postNotification, type PostNotification } from './notifications/post-notification.js';

export interface RunningSandbox {
  gateway: SandboxGateway;
  port: number;
  /** Base of payment links: SANDBOX_PUBLIC_URL, or http://127.0.0.1:<bound port>. */
  publicUrl: string;
  /** Cancels timers and deliveries, destroys held connections, then closes the server. */
  stop(): Promise<void>;
}

export interface SandboxOverrides {
  clock?: Clock;
  post?: PostNotification;
}

/** Builds the gateway and its HTTP server and starts listening (main.ts, tests and the benchmark). */
export async function startSandbox(
  config: SandboxConfig,
  logger: Logger,
  overrides: SandboxOverrides = {},
): Promise<RunningSandbox> {
  let publicUrl = config.SANDBOX_PUBLIC_URL;
  const gateway = new SandboxGateway({
    accounts: config.accounts,
    clock: overrides.clock ?? createSystemClock(),
    seed: config.seed,
    scenario: config.scenario,
    maxOrders: config.SANDBOX_MAX_ORDERS,
    // Known once the server is bound (port 0 picks one); no checkout is answered before that.
    publicUrl: () => publicUrl ?? '',
    notifications: {
      post: overrides.post ?? postNotification,
      timeScale: config.SANDBOX_NOTIFY_TIME_SCALE,
      timeoutMs: config.SANDBOX_NOTIFY_TIMEOUT_MS,
    },
    logger,
  });
  const http = await startHttpServer(createApp({ gateway, logger }), {
    host: config.SANDBOX_HOST,
    port: config.SANDBOX_PORT,
  });
  publicUrl ??= `http://127.0.0.1:${http.port}`;
  return {
    gateway,
    port: http.port,
    publicUrl,
    stop: async () => {
      await gateway.stop();
      await http.close();
    },
  };
}
