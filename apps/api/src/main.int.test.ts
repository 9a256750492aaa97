import { expect, runAppUntilListening, test } from '@vexora-checkout/testing';

const entry = 'apps/api/src/main.ts';

test('starts against the database, reports it healthy, and stops cleanly on SIGTERM', async ({
  databaseUrl,
}) => {
  const { app, get } = await runAppUntilListening(entry, { DATABASE_URL: databaseUrl, API_PORT: '0' });
  await expect(get('/health')).resolves.toEqual({
    status: 200,
    body: { service: 'api', status: 'ok', checks: { database: 'ok' } },
  });
  await expect(get('/nowhere')).resolves.toMatchObject({
    status: 404,
    body: { error: { code: 'not_found' } },
  });
  expect(await app.stop('SIGTERM')).toBe(0);
});

test('answers 503 on its health check while the database is unreachable', async () => {
  // Port 1 on loopback: nothing listens there, so every connection is refused at once.
  const { app, get } = await runAppUntilListening(entry, {
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere',
    API_PORT: '0',
  });
  const health = await get('/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ service: 'api', status: 'unavailable' });
  expect(await app.stop('SIGINT')).toBe(0);
});
