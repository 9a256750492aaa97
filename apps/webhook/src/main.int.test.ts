import { expect, runAppUntilListening, startAppProcess, test } from '@vexora-checkout/testing';

test('starts against the database and Redis, stores a notification, and stops cleanly on SIGTERM', async ({
  databaseUrl,
  redisUrl,
  bullmq,
}) => {
  const { app, get, port } = await runAppUntilListening('apps/webhook/src/main.ts', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    BULLMQ_PREFIX: bullmq.prefix,
    WEBHOOK_PORT: '0',
    WEBHOOK_NOTIFY_PATH: '/hooks/vexora',
  });
  await expect(get('/health')).resolves.toEqual({
    status: 200,
    body: { service: 'webhook', status: 'ok', checks: { database: 'ok' }, queue: 'ok' },
  });
  const answer = await fetch(`http://127.0.0.1:${port}/hooks/vexora`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tradeNo: 'T-MAIN-1', platFormTradeNo: 'P1', amount: '1.00', status: '0000' }),
  });
  expect([answer.status, await answer.text()]).toEqual([200, 'OK']);
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  expect(metrics).toContain('webhook_notifications_total{signature="absent",status="200"} 1');
  expect(await app.stop('SIGTERM')).toBe(0);
});

test('refuses to start with a bad allow-list, naming it', async ({ databaseUrl }) => {
  const app = startAppProcess('apps/webhook/src/main.ts', {
    DATABASE_URL: databaseUrl,
    WEBHOOK_PORT: '0',
    WEBHOOK_ALLOWED_IPS: '10.0.0.0/33',
    WEBHOOK_TRUST_PROXY: 'sometimes',
  });
  expect(await app.exited).toBe(1);
  const output = app.output.join('\n');
  expect(output).toContain(
    'WEBHOOK_ALLOWED_IPS: "10.0.0.0/33": the prefix length must be a whole number from 0 to 32',
  );
  expect(output).toContain('WEBHOOK_TRUST_PROXY');
});
