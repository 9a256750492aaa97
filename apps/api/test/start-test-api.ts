import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { createDatabaseClients, type PrismaClient } from '@vexora-checkout/db';
import { createLogger, startHttpServer, type Logger } from '@vexora-checkout/runtime';
import { captureLogLines } from '@vexora-checkout/testing';
import { createApiKeyAuthenticator } from '../src/auth/authenticate-api-key.js';
import { createApiKey } from '../src/auth/manage-api-keys.js';
import { createApp } from '../src/create-app.js';
import { createMetrics, type ApiMetrics } from '../src/create-metrics.js';
import type { Dashboard } from '../src/dashboard/create-dashboard.js';
import type { KeyRateLimiter } from '../src/rate-limit/create-key-rate-limiter.js';

export interface TestApi {
  url: string;
  prisma: PrismaClient;
  metrics: ApiMetrics;
  /** Everything the api logged, one parsed JSON line each. */
  logs: Record<string, unknown>[];
  /** A new client with its own key (and so its own intents), scoped to the given accounts. */
  newClient(accountIds?: string[]): Promise<{ clientId: string; key: string }>;
  request(
    path: string,
    init?: {
      method?: string;
      key?: string;
      idempotencyKey?: string;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

let clients = 0;

/** The real api (createApp) on the test database, on a free port, as production wires it. */
export async function startTestApi(
  databaseUrl: string,
  options: {
    inFlightWaitMs?: number;
    rateLimiter?: KeyRateLimiter;
    /** Mounts a dashboard built on the api's own Prisma client and logger; closed with the api. */
    dashboard?: (deps: { prisma: PrismaClient; logger: Logger }) => Dashboard;
  } = {},
): Promise<TestApi> {
  const { prisma, pool } = createDatabaseClients({ databaseUrl, poolSize: 10 });
  const { lines: logs, destination } = captureLogLines();
  const metrics = createMetrics();
  const logger = createLogger({ service: 'api', level: 'info', destination });
  const dashboard = options.dashboard?.({ prisma, logger });
  const app = createApp({
    prisma,
    pool,
    logger,
    metrics,
    authenticate: createApiKeyAuthenticator(prisma, { ttlMs: 0 }),
    accounts: DEFAULT_SANDBOX_ACCOUNTS,
    create: {
      tradeNoPrefix: '',
      tradeNoTimeZone: 'Asia/Phnom_Penh',
      idempotencyTtlMs: 24 * 3_600_000,
      inFlightWaitMs: options.inFlightWaitMs ?? 200,
    },
    bodyLimitBytes: 2_000_000,
    ...(options.rateLimiter && { rateLimiter: options.rateLimiter }),
    ...(dashboard && { dashboard }),
  });
  const http = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${http.port}`;
  return {
    url,
    prisma,
    metrics,
    logs,
    newClient: async (accountIds = DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id)) => {
      clients += 1;
      const clientId = `client-${process.pid}-${clients}`;
      const { key } = await createApiKey(prisma, {
        name: clientId,
        clientId,
        accountIds,
        knownAccountIds: DEFAULT_SANDBOX_ACCOUNTS.map((account) => account.id),
      });
      return { clientId, key };
    },
    request: async (path, init = {}) => {
      const headers: Record<string, string> = { ...init.headers };
      if (init.key) headers.authorization = `Bearer ${init.key}`;
      if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
      if (init.body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(`${url}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body:
          init.body === undefined
            ? undefined
            : typeof init.body === 'string'
              ? init.body
              : JSON.stringify(init.body),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body };
    },
    close: async () => {
      await http.close(1_000);
      await dashboard?.close();
      await prisma.$disconnect();
    },
  };
}

export const validCheckout = (overrides: Record<string, unknown> = {}) => ({
  amount: '12.50',
  currency: 'USD',
  payer: { firstName: 'Sok', lastName: 'Dara', mobile: '+855 12 345 678', email: 'sok@example.com' },
  ...overrides,
});
