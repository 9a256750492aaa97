// Notifications end to end through the real processes: the worker and the webhook receiver run
// from their entry points as child processes; intents are created through the real api and the
// sandbox settles them and posts its signed notifications to the receiver, as Vexora would. The
// receiver's PostgreSQL and the Redis of both processes go through TCP proxies, so each can be
// taken away from them without stopping the servers the other test files share.
import { DEFAULT_SANDBOX_ACCOUNTS } from '@vexora-checkout/contracts';
import { signFields } from '@vexora-checkout/signing';
import {
  expect,
  runAppUntilListening,
  startTcpProxy,
  test,
  waitUntil,
  type AppProcess,
  type TcpProxy,
} from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../api/test/start-test-api.js';
import { startTestSandbox, type TestSandbox } from '../../sandbox/test/support/start-test-sandbox.js';
import { startWorker, workerEnv } from './worker-processes.js';

const USD = DEFAULT_SANDBOX_ACCOUNTS.find((account) => account.currencies.includes('USD'))!;

interface System {
  api: TestApi;
  sandbox: TestSandbox;
  key: string;
  clientId: string;
  webhookDatabase: TcpProxy;
  redis: TcpProxy;
  notifyUrl: string;
  stop(): Promise<void>;
}

const proxyFor = (url: string) => {
  const parsed = new URL(url);
  return startTcpProxy({ host: parsed.hostname, port: Number(parsed.port) });
};

interface SystemContext {
  databaseUrl: string;
  redisUrl: string;
  bullmq: Parameters<typeof workerEnv>[2];
}

async function startSystem(context: SystemContext): Promise<System> {
  // Notification retries sped up 1000 times: 2, 5, 10, 30 ms, then 3.6 s and 10.8 s.
  const sandbox = await startTestSandbox({ SANDBOX_NOTIFY_TIME_SCALE: '0.001' });
  const api = await startTestApi(context.databaseUrl);
  const webhookDatabase = await proxyFor(context.databaseUrl);
  const redis = await proxyFor(context.redisUrl);
  const processes: AppProcess[] = [];
  const closeShared = async () => {
    await api.close();
    await sandbox.stop();
    await webhookDatabase.close();
    await redis.close();
  };
  try {
    const webhook = await runAppUntilListening('apps/webhook/src/main.ts', {
      DATABASE_URL: webhookDatabase.rewrite(context.databaseUrl),
      REDIS_URL: redis.rewrite(context.redisUrl),
      BULLMQ_PREFIX: context.bullmq.prefix,
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PORT: '0',
      WEBHOOK_STORE_TIMEOUT_MS: '1000',
      WEBHOOK_ENQUEUE_TIMEOUT_MS: '200',
      LOG_LEVEL: 'info',
    });
    processes.push(webhook.app);
    const worker = await startWorker({
      ...workerEnv(context.databaseUrl, redis.rewrite(context.redisUrl), context.bullmq, sandbox),
      WEBHOOK_PUBLIC_URL: `http://127.0.0.1:${webhook.port}/vexora/notify`,
      SWEEP_INTERVAL_MS: '1000',
      RECONCILE_STRAGGLER_GRACE_MS: '5000',
    });
    processes.push(worker);
    const { key, clientId } = await api.newClient();
    return {
      api,
      sandbox,
      key,
      clientId,
      webhookDatabase,
      redis,
      notifyUrl: `http://127.0.0.1:${webhook.port}/vexora/notify`,
      stop: async () => {
        for (const process of processes.reverse()) expect(await process.stop()).toBe(0);
        await closeShared();
      },
    };
  } catch (error) {
    for (const process of processes) await process.stop('SIGKILL');
    await closeShared();
    throw error;
  }
}

/** Runs one test's body against a fresh system and stops it whatever the outcome. */
async function withSystem(context: SystemContext, body: (system: System) => Promise<void>): Promise<void> {
  const system = await startSystem(context);
  try {
    await body(system);
  } finally {
    await system.stop();
  }
}

/** Creates USD intents through the api and waits until each has its payment link. */
async function createLinkedIntents(system: System, count: number, label: string) {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await system.api.request('/v1/checkouts', {
      key: system.key,
      idempotencyKey: `${label}-${index}`,
      body: validCheckout({ currency: 'USD', amount: '10.00' }),
    });
    expect(response.status).toBe(202);
    ids.push(response.body.id as string);
  }
  const intents = await waitUntil(
    async () => {
      const rows = await system.api.prisma.checkoutIntent.findMany({ where: { id: { in: ids } } });
      return rows.every((row) => row.state === 'AWAITING_PAYMENT') ? rows : undefined;
    },
    (rows) => rows !== undefined,
    { timeoutMs: 30_000, what: 'every intent AWAITING_PAYMENT' },
  );
  return ids.map((id) => intents!.find((intent) => intent.id === id)!);
}

async function settle(system: System, tradeNo: string, body: Record<string, unknown>) {
  const answer = await system.sandbox.admin('POST', `/orders/${USD.merchantNo}/${tradeNo}/settle`, body);
  expect(answer.status).toBe(200);
}

async function waitForState(system: System, id: string, state: string) {
  return waitUntil(
    async () => {
      const response = await system.api.request(`/v1/checkouts/${id}`, { key: system.key });
      return response.body;
    },
    (body) => body.state === state,
    { timeoutMs: 30_000, what: `intent ${id} in ${state}` },
  );
}

/** The sandbox's record of the (first) notification it sent for one order, if any yet. */
async function delivery(system: System, tradeNo: string) {
  const ledger = await system.sandbox.admin('GET', `/ledger?merchantNo=${USD.merchantNo}&tradeNo=${tradeNo}`);
  const orders = ledger.body.orders as {
    notifications: { state: string; attempts: { httpStatus: number | null }[] }[];
  }[];
  return orders[0]?.notifications[0];
}

test('paid, partially paid and failed orders reach their states once each, whatever the duplicates and the order', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withSystem({ databaseUrl, redisUrl, bullmq }, async (system) => {
    // Every final notification is delivered again after its acknowledgement and followed by a stale 0015.
    expect(
      (
        await system.sandbox.admin('PUT', '/scenario', {
          notifications: { duplicateRate: 1, outOfOrderRate: 1 },
        })
      ).status,
    ).toBe(200);
    const [paid, partial, failed] = await createLinkedIntents(system, 3, 'settle');
    await settle(system, paid!.tradeNo, { outcome: 'paid' });
    await settle(system, partial!.tradeNo, { outcome: 'partial', amount: '4.25' });
    await settle(system, failed!.tradeNo, { outcome: 'failed' });

    expect(await waitForState(system, paid!.id, 'PAID')).toMatchObject({ paidAmount: '10.00' });
    expect(await waitForState(system, partial!.id, 'PARTIALLY_PAID')).toMatchObject({ paidAmount: '4.25' });
    await waitForState(system, failed!.id, 'FAILED');

    // Every delivery (three per order: the final one, its duplicate, a stale 0015) was stored and
    // processed before the feed is read, so a late one cannot add a change after the check.
    await waitUntil(
      async () => {
        const rows = await system.api.prisma.gatewayNotification.findMany({
          where: { tradeNo: { in: [paid!.tradeNo, partial!.tradeNo, failed!.tradeNo] } },
        });
        return rows.length >= 9 && rows.every((row) => row.processedAt !== null);
      },
      (done) => done,
      { timeoutMs: 30_000, what: 'every delivery stored and processed' },
    );
    const events = await system.api.request('/v1/events?limit=500', { key: system.key });
    expect(events.status).toBe(200);
    const changes = (events.body.data as { intentId: string; toState: string }[]).map(
      (event) => `${event.intentId}:${event.toState}`,
    );
    for (const [intent, final] of [
      [paid!, 'PAID'],
      [partial!, 'PARTIALLY_PAID'],
      [failed!, 'FAILED'],
    ] as const) {
      expect(changes.filter((change) => change.startsWith(intent.id))).toEqual([
        `${intent.id}:PENDING`,
        `${intent.id}:SUBMITTING`,
        `${intent.id}:AWAITING_PAYMENT`,
        `${intent.id}:${final}`,
      ]);
    }
  });
});

test('with the receiver cut off from PostgreSQL it answers 503, and the notification is applied once the database is back', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withSystem({ databaseUrl, redisUrl, bullmq }, async (system) => {
    const [intent] = await createLinkedIntents(system, 1, 'database-down');
    await system.webhookDatabase.cut();
    await settle(system, intent!.tradeNo, { outcome: 'paid' });
    // The first attempts (2, 5, 10, 30 ms apart) meet the outage and are answered 503.
    await waitUntil(
      async () =>
        (await delivery(system, intent!.tradeNo))?.attempts.filter((attempt) => attempt.httpStatus === 503)
          .length ?? 0,
      (refused) => refused >= 2,
      { timeoutMs: 15_000, what: 'two deliveries answered 503 while PostgreSQL was away' },
    );
    expect(await system.api.prisma.gatewayNotification.count({ where: { tradeNo: intent!.tradeNo } })).toBe(
      0,
    );
    await system.webhookDatabase.restore();
    await waitForState(system, intent!.id, 'PAID');
    expect((await delivery(system, intent!.tradeNo))?.state).toBe('delivered');
  });
});

test('with Redis away the receiver still stores and acknowledges, and the notification is reconciled once Redis is back', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withSystem({ databaseUrl, redisUrl, bullmq }, async (system) => {
    const [intent] = await createLinkedIntents(system, 1, 'redis-down');
    await system.redis.cut();
    await settle(system, intent!.tradeNo, { outcome: 'paid' });
    const stored = await waitUntil(
      () => delivery(system, intent!.tradeNo),
      (found) => found?.state === 'delivered',
      { timeoutMs: 15_000, what: 'the notification acknowledged while Redis was away' },
    );
    expect(stored!.attempts.at(-1)?.httpStatus).toBe(200);
    const row = await system.api.prisma.gatewayNotification.findFirstOrThrow({
      where: { tradeNo: intent!.tradeNo },
    });
    expect(row.signature).toBe('valid');
    expect(row.processedAt).toBeNull();
    expect(
      (await system.api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent!.id } })).state,
    ).toBe('AWAITING_PAYMENT');
    await system.redis.restore();
    await waitForState(system, intent!.id, 'PAID');
  });
});

test('forged notifications change no state: each is refused or leaves an exception', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  await withSystem({ databaseUrl, redisUrl, bullmq }, async (system) => {
    const [intent] = await createLinkedIntents(system, 1, 'forged');
    const post = async (fields: Record<string, unknown>) => {
      const response = await fetch(system.notifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      return { status: response.status, text: await response.text() };
    };
    const UNKNOWN_TRADE_NO = '20990101000000999999990';
    const claim = {
      tradeNo: intent!.tradeNo,
      platFormTradeNo: intent!.platformTradeNo,
      amount: '10.00',
      status: '0000',
    };
    // A bad signature: stored, refused, never applied.
    expect(await post({ ...claim, sign: 'f'.repeat(32) })).toMatchObject({ status: 401 });
    // Properly signed, but for a tradeNo we never issued: an orphan.
    expect(
      await post(
        signFields(
          { ...claim, tradeNo: UNKNOWN_TRADE_NO, platFormTradeNo: 'P20990101999999' },
          USD.appSecret,
        ),
      ),
    ).toEqual({
      status: 200,
      text: 'OK',
    });
    // Properly signed, the right tradeNo, the wrong amount, for an order the sandbox holds unpaid.
    expect(await post(signFields({ ...claim, amount: '9999.00' }, USD.appSecret))).toEqual({
      status: 200,
      text: 'OK',
    });
    // Unsigned "paid" for the same unpaid order.
    expect(await post(claim)).toEqual({ status: 200, text: 'OK' });

    const rows = await waitUntil(
      () =>
        system.api.prisma.gatewayNotification.findMany({
          where: { tradeNo: { in: [intent!.tradeNo, UNKNOWN_TRADE_NO] } },
          orderBy: { id: 'asc' },
        }),
      (found) => found.length === 4 && found.every((row) => row.processedAt !== null),
      { timeoutMs: 30_000, what: 'the four forged deliveries processed' },
    );
    expect(rows.map((row) => row.signature)).toEqual(['invalid', 'valid', 'valid', 'absent']);
    expect(rows.map((row) => row.outcome)).not.toContain('applied');
    const current = await system.api.prisma.checkoutIntent.findUniqueOrThrow({ where: { id: intent!.id } });
    expect(current.state).toBe('AWAITING_PAYMENT');
    expect(current.paidAmount).toBeNull();
    const exceptions = await system.api.prisma.reconciliationException.findMany({
      where: { notificationId: { in: rows.map((row) => row.id) } },
    });
    expect(exceptions.map((exception) => exception.kind).sort()).toEqual(
      expect.arrayContaining(['invalid_signature', 'unknown_trade_no']),
    );
    // Every forged delivery is accounted for: an exception names it, or it was refused.
    for (const row of rows) {
      expect(
        exceptions.some((exception) => exception.notificationId === row.id) ||
          row.outcome === 'rejected_signature',
      ).toBe(true);
    }
  });
});
