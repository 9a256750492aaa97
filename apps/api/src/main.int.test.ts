import { expect, runAppUntilListening, test } from '@vexora-checkout/testing';

const entry = 'apps/api/src/main.ts';

test('starts against PostgreSQL and Redis, reports them ready, and stops cleanly on SIGTERM', async ({
  databaseUrl,
  redisUrl,
}) => {
  const { app, get } = await runAppUntilListening(entry, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    API_PORT: '0',
  });
  await expect(get('/readyz')).resolves.toEqual({
    status: 200,
    body: { service: 'api', status: 'ok', checks: { database: 'ok', redis: 'ok' } },
  });
  await expect(get('/healthz')).resolves.toEqual({ status: 200, body: { service: 'api', status: 'ok' } });
  await expect(get('/nowhere')).resolves.toMatchObject({ status: 404, body: { code: 'not_found' } });
  expect(await app.stop('SIGTERM')).toBe(0);
});

test('is alive but not ready while the database is unreachable', async ({ redisUrl }) => {
  // Port 1 on loopback: nothing listens there, so every connection is refused at once.
  const { app, get } = await runAppUntilListening(entry, {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere',
    REDIS_URL: redisUrl,
    API_PORT: '0',
  });
  const ready = await get('/readyz');
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ service: 'api', status: 'unavailable', checks: { redis: 'ok' } });
  expect((await get('/healthz')).status).toBe(200);
  expect(await app.stop('SIGINT')).toBe(0);
});
