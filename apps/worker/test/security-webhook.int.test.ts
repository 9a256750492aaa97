// Forged, replayed and malformed notifications, named one by one, to the running webhook receiver
// with the real reconcile job consuming its queue. The intents they aim at are real: one
// AWAITING_PAYMENT whose order the sandbox holds unpaid, one PAID for real (the sandbox settled it
// and its genuine signed notification went through the receiver and the reconcile job). Each
// delivery gets its documented answer (docs/operations.md, "The webhook"), is stored or not as
// documented, is reconciled without being applied, and no intent changes state or gains a
// status-history row.
import { signFields } from '@vexora-checkout/signing';
import { expect, test, waitUntil } from '@vexora-checkout/testing';
import { startTestWebhook } from '../../webhook/test/start-test-webhook.js';
import { createOrderIntent } from './reconcile-test-support.js';
import { startNotificationRig, USD } from './notification-rig.js';

const BODY_LIMIT = 65_536;
const JSON_TYPE = 'application/json';

interface Delivery {
  name: string;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** Which receiver: the open one, or the one that only allows 203.0.113.0/24. */
  to?: 'open' | 'restricted';
  status: number;
  /** Whether the receiver keeps it as evidence. */
  stored: boolean;
  /** What reconciliation concludes for a stored one (never `applied`). */
  outcomes?: readonly string[];
}

test(
  'forged, replayed, misdirected, oversized and malformed notifications get their documented answers and change no intent',
  { timeout: 120_000 },
  async ({ databaseUrl, redisUrl, bullmq }) => {
    const rig = await startNotificationRig({
      databaseUrl,
      redisUrl,
      bullmq,
      concurrency: 4,
      bodyLimitBytes: BODY_LIMIT,
    });
    const { prisma, sandbox, gateway, webhook } = rig;
    const restricted = await startTestWebhook({
      databaseUrl,
      redisUrl,
      prefix: bullmq.prefix,
      allowedIps: '203.0.113.0/24',
    });
    try {
      const notifyUrl = `${webhook.url}/vexora/notify`;
      const awaiting = await createOrderIntent(prisma, gateway, USD, { notifyUrl, amount: '12.50' });
      const paid = await createOrderIntent(prisma, gateway, USD, { notifyUrl, amount: '20.00' });

      // A real payment: the sandbox posts its genuine signed notification, which is applied.
      const settled = await sandbox.admin('POST', `/orders/${USD.merchantNo}/${paid.tradeNo}/settle`, {
        outcome: 'paid',
      });
      expect(settled.status).toBe(200);
      await waitUntil(
        () => prisma.checkoutIntent.findUniqueOrThrow({ where: { id: paid.id } }),
        (intent) => intent.state === 'PAID',
        { timeoutMs: 30_000, what: 'the paid intent PAID through its genuine notification' },
      );
      const genuine = await prisma.gatewayNotification.findFirstOrThrow({
        where: { tradeNo: paid.tradeNo, signature: 'valid', outcome: 'applied' },
      });
      const genuineFields = JSON.parse(genuine.rawBody) as Record<string, string>;

      const before = {
        intents: await prisma.checkoutIntent.findMany({
          where: { id: { in: [awaiting.id, paid.id] } },
          orderBy: { id: 'asc' },
        }),
        history: await prisma.statusHistory.count(),
        lastNotification: (await prisma.gatewayNotification.aggregate({ _max: { id: true } }))._max.id ?? 0n,
      };

      const claimPaid = {
        tradeNo: awaiting.tradeNo,
        platFormTradeNo: awaiting.platformTradeNo,
        status: '0000',
        amount: '12.50',
      };
      const deliveries: Delivery[] = [
        {
          name: 'claim of payment signed with a wrong secret',
          body: JSON.stringify(signFields(claimPaid, 'not-the-app-secret')),
          contentType: JSON_TYPE,
          status: 401,
          stored: true,
          outcomes: ['rejected_signature'],
        },
        {
          name: 'claim of payment with a made-up sign, form-encoded',
          body: new URLSearchParams({ ...claimPaid, sign: 'f'.repeat(32) }).toString(),
          contentType: 'application/x-www-form-urlencoded',
          status: 401,
          stored: true,
          outcomes: ['rejected_signature'],
        },
        {
          name: 'the genuine notification with its amount raised, sign kept',
          body: JSON.stringify({ ...genuineFields, amount: '2000.00' }),
          contentType: JSON_TYPE,
          status: 401,
          stored: true,
          outcomes: ['rejected_signature'],
        },
        {
          name: 'validly signed claim for an unknown tradeNo',
          body: JSON.stringify(
            signFields(
              { ...claimPaid, tradeNo: '20990101000000999999990', platFormTradeNo: 'P-UNKNOWN' },
              USD.appSecret,
            ),
          ),
          contentType: JSON_TYPE,
          status: 200,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'validly signed claim of payment with a wrong amount (the order is unpaid)',
          body: JSON.stringify(signFields({ ...claimPaid, amount: '1.00' }, USD.appSecret)),
          contentType: JSON_TYPE,
          status: 200,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'validly signed claim of payment of an unpaid order, right amount',
          body: JSON.stringify(signFields(claimPaid, USD.appSecret)),
          contentType: JSON_TYPE,
          status: 200,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'unsigned claim of payment',
          body: JSON.stringify(claimPaid),
          contentType: JSON_TYPE,
          status: 200,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'the genuine notification replayed after the intent is final',
          body: genuine.rawBody,
          contentType: genuine.contentType ?? JSON_TYPE,
          status: 200,
          stored: true,
          outcomes: ['duplicate'],
        },
        {
          name: 'the genuine notification from outside WEBHOOK_ALLOWED_IPS, forging X-Forwarded-For',
          body: genuine.rawBody,
          contentType: JSON_TYPE,
          headers: { 'x-forwarded-for': '203.0.113.7' },
          to: 'restricted',
          status: 403,
          stored: false,
        },
        {
          name: 'a claim of payment larger than WEBHOOK_BODY_LIMIT',
          body: JSON.stringify({ ...signFields(claimPaid, USD.appSecret), pad: 'x'.repeat(BODY_LIMIT) }),
          contentType: JSON_TYPE,
          status: 413,
          stored: false,
        },
        {
          name: 'truncated JSON',
          body: JSON.stringify(signFields(claimPaid, USD.appSecret)).slice(0, 40),
          contentType: JSON_TYPE,
          status: 400,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'XML instead of JSON',
          body: `<notification><tradeNo>${awaiting.tradeNo}</tradeNo><status>0000</status></notification>`,
          contentType: 'application/xml',
          status: 400,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'a JSON array',
          body: JSON.stringify([signFields(claimPaid, USD.appSecret)]),
          contentType: JSON_TYPE,
          status: 400,
          stored: true,
          outcomes: ['exception'],
        },
        {
          name: 'an empty body',
          body: '',
          contentType: 'text/plain',
          status: 400,
          stored: true,
          outcomes: ['exception'],
        },
      ];

      const answers = [];
      for (const delivery of deliveries) {
        const receiver = delivery.to === 'restricted' ? restricted : webhook;
        const answer = await receiver.notify(delivery.body, {
          contentType: delivery.contentType,
          ...(delivery.headers ? { headers: delivery.headers } : {}),
        });
        answers.push({
          name: delivery.name,
          status: answer.status,
          type: answer.status === 200 ? answer.text : answer.contentType?.split(';')[0],
        });
      }
      expect(answers).toEqual(
        deliveries.map((delivery) => ({
          name: delivery.name,
          status: delivery.status,
          type: delivery.status === 200 ? 'OK' : 'application/problem+json',
        })),
      );

      // Stored as documented, and every stored one reconciled.
      const expectedStored = deliveries.filter((delivery) => delivery.stored);
      const rows = await waitUntil(
        () =>
          prisma.gatewayNotification.findMany({
            where: { id: { gt: before.lastNotification } },
            orderBy: { id: 'asc' },
          }),
        (found) => found.length >= expectedStored.length && found.every((row) => row.processedAt !== null),
        { timeoutMs: 60_000, what: 'every stored delivery reconciled' },
      );
      expect(rows.map((row) => row.rawBody)).toEqual(expectedStored.map((delivery) => delivery.body));
      for (const [index, row] of rows.entries()) {
        const delivery = expectedStored[index]!;
        expect(delivery.outcomes, delivery.name).toContain(row.outcome);
      }
      console.info(
        `security-webhook: ${deliveries.length} deliveries; ` +
          deliveries
            .map((delivery) => {
              const row = rows[expectedStored.indexOf(delivery)];
              return `${delivery.name} → ${delivery.status}${row ? ` ${row.outcome}` : ', not stored'}`;
            })
            .join('; '),
      );

      // No intent moved, none gained history.
      const after = await prisma.checkoutIntent.findMany({
        where: { id: { in: [awaiting.id, paid.id] } },
        orderBy: { id: 'asc' },
      });
      expect(after).toEqual(before.intents);
      expect(after.map((intent) => intent.state).sort()).toEqual(['AWAITING_PAYMENT', 'PAID']);
      expect(await prisma.statusHistory.count()).toBe(before.history);
    } finally {
      await restricted.close();
      await rig.close();
    }
  },
);
