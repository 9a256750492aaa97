// Log hygiene end to end: the sandbox, the api, the worker and the webhook receiver run as real
// child processes at LOG_LEVEL=debug with a merchant secret of our own; intents with
// distinctive payers go through the whole flow (created, submitted, linked, one paid, its signed
// notifications received and reconciled), a forged notification and an invalid create are sent
// too, and then every line every process wrote is searched for the secrets and the payer data.
import { randomBytes } from 'node:crypto';
import { createPrismaClient } from '@vexora-checkout/db';
import { signFields } from '@vexora-checkout/signing';
import { expect, runAppUntilListening, test, waitUntil, type AppProcess } from '@vexora-checkout/testing';
import { createApiKey } from '../../api/src/auth/manage-api-keys.js';
import { startWorker, workerEnv } from './worker-processes.js';

const ACCOUNT = {
  id: 'hygiene-usd',
  merchantNo: 'HYGIENE0001',
  appSecret: `hygiene-secret-${randomBytes(12).toString('hex')}`,
  currencies: ['USD'],
};
const PAYER = {
  firstName: 'Zephyrine',
  lastName: 'Quillbottom',
  mobile: '+855 96 777 4321',
  email: 'zephyrine.quillbottom@example.org',
};
/** The mobile as the api normalises it and sends it on. */
const MOBILE_DIGITS = '967774321';

test(
  'no secret, API key, sign or payer datum appears in any line any process logs at debug level',
  { timeout: 120_000 },
  async ({ databaseUrl, redisUrl, bullmq }) => {
    const accounts = (baseUrl?: string) => JSON.stringify([{ ...ACCOUNT, ...(baseUrl ? { baseUrl } : {}) }]);
    const processes: { name: string; app: AppProcess }[] = [];
    const prisma = createPrismaClient({ databaseUrl, poolSize: 2 });
    try {
      const sandbox = await runAppUntilListening('apps/sandbox/src/main.ts', {
        SANDBOX_HOST: '127.0.0.1',
        SANDBOX_PORT: '0',
        SANDBOX_SEED: '7',
        SANDBOX_NOTIFY_TIME_SCALE: '0.001',
        VEXORA_ACCOUNTS: accounts(),
        LOG_LEVEL: 'debug',
      });
      processes.push({ name: 'sandbox', app: sandbox.app });
      const sandboxUrl = `http://127.0.0.1:${sandbox.port}`;
      const webhook = await runAppUntilListening('apps/webhook/src/main.ts', {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        BULLMQ_PREFIX: bullmq.prefix,
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_PORT: '0',
        VEXORA_ACCOUNTS: accounts(),
        LOG_LEVEL: 'debug',
      });
      processes.push({ name: 'webhook', app: webhook.app });
      const notifyUrl = `http://127.0.0.1:${webhook.port}/vexora/notify`;
      const worker = await startWorker({
        ...workerEnv(databaseUrl, redisUrl, bullmq, { url: sandboxUrl } as Parameters<typeof workerEnv>[3]),
        WEBHOOK_PUBLIC_URL: notifyUrl,
        VEXORA_ACCOUNTS: accounts(sandboxUrl),
        LOG_LEVEL: 'debug',
      });
      processes.push({ name: 'worker', app: worker });
      const api = await runAppUntilListening('apps/api/src/main.ts', {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        API_HOST: '127.0.0.1',
        API_PORT: '0',
        VEXORA_ACCOUNTS: accounts(),
        LOG_LEVEL: 'debug',
      });
      processes.push({ name: 'api', app: api.app });
      const apiUrl = `http://127.0.0.1:${api.port}`;
      const { key } = await createApiKey(prisma, {
        name: 'log hygiene',
        clientId: 'log-hygiene',
        accountIds: [ACCOUNT.id],
        knownAccountIds: [ACCOUNT.id],
      });
      const call = async (path: string, init: { body?: unknown; idempotencyKey?: string } = {}) => {
        const response = await fetch(`${apiUrl}${path}`, {
          method: init.body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(init.idempotencyKey ? { 'idempotency-key': init.idempotencyKey } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        return { status: response.status, body: (await response.json()) as Record<string, any> };
      };

      // Two intents with the distinctive payer, and one create refused for its payer fields.
      const ids: string[] = [];
      for (const index of [1, 2]) {
        const created = await call('/v1/checkouts', {
          idempotencyKey: `hygiene-${index}`,
          body: { amount: '10.00', currency: 'USD', payer: PAYER, remark: `remark ${PAYER.lastName}` },
        });
        expect(created.status).toBe(202);
        ids.push(created.body.id as string);
      }
      const refused = await call('/v1/checkouts', {
        idempotencyKey: 'hygiene-invalid',
        body: { amount: '10.00', currency: 'USD', payer: { ...PAYER, mobile: `${PAYER.mobile}x` } },
      });
      expect(refused.status).toBe(400);
      const intents = await waitUntil(
        () => Promise.all(ids.map(async (id) => (await call(`/v1/checkouts/${id}`)).body)),
        (bodies) => bodies.every((body) => body.state === 'AWAITING_PAYMENT'),
        { timeoutMs: 30_000, what: 'both intents AWAITING_PAYMENT' },
      );

      // One paid through the sandbox: its signed notifications reach the receiver and the worker.
      const settled = await fetch(
        `${sandboxUrl}/_sandbox/orders/${ACCOUNT.merchantNo}/${intents[0]!.tradeNo}/settle`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"outcome":"paid"}' },
      );
      expect(settled.status).toBe(200);
      await waitUntil(
        async () => (await call(`/v1/checkouts/${ids[0]}`)).body.state,
        (state) => state === 'PAID',
        { timeoutMs: 30_000, what: 'the paid intent PAID' },
      );
      // A forged "paid" for the other one, signed with a secret that is not the merchant's.
      const forged = signFields(
        {
          tradeNo: intents[1]!.tradeNo,
          platFormTradeNo: intents[1]!.platformTradeNo,
          amount: '10.00',
          status: '0000',
        },
        `forged-${randomBytes(8).toString('hex')}`,
      );
      const forgedAnswer = await fetch(notifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(forged),
      });
      expect(forgedAnswer.status).toBe(401);
      const notifications = await waitUntil(
        () =>
          prisma.gatewayNotification.findMany({ where: { tradeNo: { in: intents.map((i) => i.tradeNo) } } }),
        (rows) => rows.length >= 2 && rows.every((row) => row.processedAt !== null),
        { timeoutMs: 30_000, what: 'the real and the forged notifications reconciled' },
      );
      expect((await call(`/v1/checkouts/${ids[1]}`)).body.state).toBe('AWAITING_PAYMENT');

      // Every sign that went over the wire to the receiver, from what it stored.
      const signs = notifications
        .map((row) => {
          try {
            return (JSON.parse(row.rawBody) as { sign?: unknown }).sign;
          } catch {
            return new URLSearchParams(row.rawBody).get('sign');
          }
        })
        .filter((sign): sign is string => typeof sign === 'string' && sign.length >= 16);
      expect(signs).toContain(forged.sign);
      expect(signs.length).toBeGreaterThanOrEqual(2);

      for (const { app } of processes.reverse()) expect(await app.stop()).toBe(0);
      const forbidden: Record<string, string> = {
        'app secret': ACCOUNT.appSecret,
        'API key': key,
        'payer email': PAYER.email,
        'payer mobile (as sent)': PAYER.mobile,
        'payer mobile (normalised)': MOBILE_DIGITS,
        'payer first name': PAYER.firstName,
        'payer last name': PAYER.lastName,
        ...Object.fromEntries(signs.map((sign, index) => [`notification sign #${index}`, sign])),
      };
      const leaks: string[] = [];
      let debugLines = 0;
      for (const { name, app } of processes) {
        for (const line of app.output) {
          if (line.includes('"level":"debug"') || line.includes('"level":20')) debugLines += 1;
          const lower = line.toLowerCase();
          for (const [what, value] of Object.entries(forbidden)) {
            if (lower.includes(value.toLowerCase())) leaks.push(`${name}: ${what} in ${line.slice(0, 300)}`);
          }
        }
      }
      console.info(
        `log-hygiene: ${processes.map(({ name, app }) => `${name} ${app.output.length} lines`).join(', ')}; ` +
          `${debugLines} debug lines; ${Object.keys(forbidden).length} values searched; ${leaks.length} leaks`,
      );
      expect(leaks).toEqual([]);
      // The processes really logged the flow (the search looked at the right lines): the paid
      // order's tradeNo, which is no secret, is in them.
      expect(processes.every(({ app }) => app.output.length > 0)).toBe(true);
      expect(
        processes.some(({ app }) => app.output.some((line) => line.includes(intents[0]!.tradeNo as string))),
      ).toBe(true);
      expect(debugLines).toBeGreaterThan(0);
    } finally {
      for (const { app } of processes) await app.stop('SIGKILL');
      await prisma.$disconnect();
    }
  },
);
