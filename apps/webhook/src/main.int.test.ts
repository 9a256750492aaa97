import { expect, runAppUntilListening, test } from '@vexora-checkout/testing';

test('starts against the database, reports it healthy, and stops cleanly on SIGTERM', async ({
  databaseUrl,
}) => {
  const { app, get } = await runAppUntilListening('apps/webhook/src/main.ts', {
    DATABASE_URL: databaseUrl,
    WEBHOOK_PORT: '0',
  });
  await expect(get('/health')).resolves.toEqual({
    status: 200,
    body: { service: 'webhook', status: 'ok', checks: { database: 'ok' } },
  });
  expect(await app.stop('SIGTERM')).toBe(0);
});
