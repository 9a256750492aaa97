import pg from 'pg';
import { afterAll, expect, test, waitUntil } from '@vexora-checkout/testing';
import { startTestApi, validCheckout, type TestApi } from '../../test/start-test-api.js';
import { createOutboxWakeUp, OUTBOX_CHANNEL } from './create-outbox-wake-up.js';

let api: TestApi;
let listener: pg.Client;
const notifications: number[] = [];

test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
  listener = new pg.Client({ connectionString: databaseUrl });
  await listener.connect();
  listener.on('notification', (message) => {
    if (message.channel === OUTBOX_CHANNEL) notifications.push(Date.now());
  });
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await api.close();
});

test('a create wakes the outbox relay after its commit', async () => {
  const { key } = await api.newClient();
  const before = notifications.length;
  const response = await api.request('/v1/checkouts', { key, idempotencyKey: 'wake', body: validCheckout() });
  expect(response.status).toBe(202);
  await waitUntil(
    () => notifications.length,
    (count) => count > before,
    { what: 'a NOTIFY on outbox_event' },
  );
});

test('wake-ups within one interval become one NOTIFY, and a later one is never lost', async ({
  databaseUrl,
}) => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    // An interval far longer than the test: only the first wake-up and the flush may notify.
    const wakeUp = createOutboxWakeUp(pool, { intervalMs: 600_000 });
    const before = notifications.length;
    for (let i = 0; i < 100; i += 1) wakeUp.wake();
    await waitUntil(
      () => notifications.length,
      (count) => count >= before + 1,
      { what: 'the first NOTIFY' },
    );
    // These are due at the end of the interval: flushed (as at shutdown), they are sent now.
    for (let i = 0; i < 100; i += 1) wakeUp.wake();
    await wakeUp.flush();
    await waitUntil(
      () => notifications.length,
      (count) => count >= before + 2,
      { what: 'the flushed NOTIFY' },
    );
    expect(notifications.length - before).toBe(2);
  } finally {
    await pool.end();
  }
});
