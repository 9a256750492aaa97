import { expect, runAppUntilListening, test } from '@vexora-checkout/testing';

test('connects to PostgreSQL and Redis, reports both healthy, and stops cleanly on SIGTERM', async ({
  databaseUrl,
  redisUrl,
}) => {
  const { app, get } = await runAppUntilListening('apps/worker/src/main.ts', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    WORKER_HEALTH_PORT: '0',
  });
  await expect(get('/health')).resolves.toEqual({
    status: 200,
    body: { service: 'worker', status: 'ok', checks: { database: 'ok', redis: 'ok' } },
  });
  expect(await app.stop('SIGTERM')).toBe(0);
});
