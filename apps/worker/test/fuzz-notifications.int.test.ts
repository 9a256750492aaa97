// Fuzzing the notification path: thousands of generated deliveries (JSON and form bodies,
// forged, absent and valid signs, unknown tradeNos, wrong amounts, malformed and oversized
// bodies, junk content types) to the running webhook receiver, with the real reconcile job
// consuming its queue. The intents they aim at are real AWAITING_PAYMENT orders the sandbox
// holds unpaid: whatever arrives, none may move. FUZZ_SEED and FUZZ_RUNS replay or widen a run.
import { signFields } from '@vexora-checkout/signing';
import { expect, test, waitUntil } from '@vexora-checkout/testing';
import fc from 'fast-check';
import { createOrderIntent, type OrderIntent } from './reconcile-test-support.js';
import { startNotificationRig, USD } from './notification-rig.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 16;
const BODY_LIMIT = 65_536;

interface Delivery {
  contentType: string;
  body: string;
  /** The answers the receiver's rules allow for this delivery. */
  allowed: readonly number[];
}

const UNKNOWN_TRADE_NO = '20990101000000999999990';

/** Deliveries built around the targets' real tradeNos, amounts and platform numbers. */
function deliveries(targets: readonly OrderIntent[]): fc.Arbitrary<Delivery> {
  const junkText = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom("' OR 1=1--", '__proto__', '\u0000', 'x'.repeat(65), 'a\nb', ''),
  );
  const tradeNo = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...targets.map((target) => target.tradeNo)) },
    { weight: 2, arbitrary: fc.constant(UNKNOWN_TRADE_NO) },
    { weight: 1, arbitrary: junkText },
  );
  const claim = fc.record(
    {
      tradeNo,
      platFormTradeNo: fc.oneof(
        fc.constantFrom(...targets.map((target) => target.platformTradeNo)),
        junkText,
      ),
      status: fc.oneof(fc.constantFrom('0000', '0001', '0015', '00029', '0000 '), junkText),
      amount: fc.oneof(
        fc.constantFrom('10.00', '12.50', '12.5', '9999.00', '-12.50', '1e3', '0'),
        fc.double().map(String),
        junkText,
      ),
      extra: junkText,
    },
    { requiredKeys: ['tradeNo'] },
  );
  /** A tradeNo the receiver takes as an identifier: at most 64 printable characters. */
  const usable = (value: unknown) =>
    // eslint-disable-next-line no-control-regex -- control characters make a tradeNo unusable
    typeof value === 'string' && /^[^\u0000-\u001f\u007f]{1,64}$/.test(value);
  const signing = fc.constantFrom('absent', 'random', 'wrong-secret', 'valid', 'empty');
  const encoding = fc.constantFrom('json', 'form');
  const claimed = fc.tuple(claim, signing, encoding).map(([fields, how, as]): Delivery => {
    const signed: Record<string, unknown> =
      how === 'absent'
        ? fields
        : how === 'valid'
          ? signFields(fields, USD.appSecret)
          : how === 'wrong-secret'
            ? signFields(fields, 'not-the-app-secret')
            : { ...fields, sign: how === 'empty' ? '' : 'f'.repeat(32) };
    const body =
      as === 'json'
        ? JSON.stringify(signed)
        : new URLSearchParams(
            Object.entries(signed).map(([key, value]): [string, string] => [key, String(value)]),
          ).toString();
    const contentType = as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    // The documented answers: 400 when no usable tradeNo; else 401 for a sign that matches no
    // account; else 200 (valid or absent sign). An empty sign may count as absent or forged.
    const allowed = !usable(fields.tradeNo)
      ? [400]
      : how === 'absent' || how === 'valid'
        ? [200]
        : how === 'empty'
          ? [200, 401]
          : [401];
    return { contentType, body, allowed };
  });
  const junk = fc
    .tuple(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json({ maxDepth: 3 }),
        fc.constantFrom('{', '{"tradeNo":', '[]', 'null', 'tradeNo=&sign=', '%%%', '{"tradeNo":{"$gt":""}}'),
      ),
      fc.constantFrom(
        'application/json',
        'text/plain',
        'text/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/json; charset=utf-16',
        '',
      ),
    )
    // Junk carries no signed claim of a target, so it may only be stored (200/400/401), never applied.
    .map(([body, contentType]): Delivery => ({ contentType, body, allowed: [200, 400, 401] }));
  // Keys that would pollute prototypes if a parser merged them into a plain object.
  const polluting = fc
    .tuple(fc.constantFrom(...targets.map((target) => target.tradeNo)), fc.boolean())
    .map(([target, asJson]): Delivery => ({
      contentType: asJson ? 'application/json' : 'application/x-www-form-urlencoded',
      body: asJson
        ? `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"tradeNo":"${target}","status":"0000","amount":"12.50"}`
        : `__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__=x&tradeNo=${target}&status=0000&amount=12.50`,
      allowed: [200, 400, 401],
    }));
  const huge = fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 3 }).map((size): Delivery => ({
    contentType: 'application/json',
    body: JSON.stringify({ tradeNo: targets[0]!.tradeNo, status: '0000', pad: 'x'.repeat(size) }),
    allowed: [413],
  }));
  return fc.oneof(
    { weight: 12, arbitrary: claimed },
    { weight: 4, arbitrary: junk },
    { weight: 1, arbitrary: polluting },
    { weight: 1, arbitrary: huge },
  );
}

test(
  `${RUNS} generated notifications: no 5xx, answers per the rules, and no intent changes state`,
  { timeout: 240_000 },
  async ({ databaseUrl, redisUrl, bullmq }) => {
    const rig = await startNotificationRig({
      databaseUrl,
      redisUrl,
      bullmq,
      concurrency: 8,
      bodyLimitBytes: BODY_LIMIT,
    });
    const { prisma, gateway, webhook } = rig;
    try {
      const notifyUrl = `${webhook.url}/vexora/notify`;
      const targets: OrderIntent[] = [];
      for (let index = 0; index < 3; index += 1) {
        targets.push(await createOrderIntent(prisma, gateway, USD, { notifyUrl, amount: '12.50' }));
      }
      const historyBefore = await prisma.statusHistory.count();
      const generated = fc.sample(deliveries(targets), { numRuns: RUNS, seed: SEED });

      const startedAt = performance.now();
      const violations: string[] = [];
      const statuses = new Map<number, number>();
      let next = 0;
      const lane = async () => {
        while (next < generated.length) {
          const index = next;
          next += 1;
          const delivery = generated[index]!;
          const answer = await webhook.notify(delivery.body, { contentType: delivery.contentType });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const shown = `#${index} (${delivery.contentType}) ${delivery.body.slice(0, 160)}`;
          if (!delivery.allowed.includes(answer.status)) {
            violations.push(`${shown}: ${answer.status}, allowed ${delivery.allowed.join('/')}`);
          } else if (answer.status === 200 && answer.text !== 'OK') {
            violations.push(`${shown}: 200 with ${answer.text.slice(0, 40)}`);
          } else if (answer.status !== 200 && !answer.contentType?.startsWith('application/problem+json')) {
            violations.push(`${shown}: ${answer.status} as ${answer.contentType}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      const sentMs = performance.now() - startedAt;
      const refusedTooLarge = statuses.get(413) ?? 0;
      expect(violations.slice(0, 20)).toEqual([]);

      // Every delivery that got an answer other than 413 was stored, and the worker processed all.
      const stored = await waitUntil(
        async () => ({
          total: await prisma.gatewayNotification.count(),
          pending: await prisma.gatewayNotification.count({ where: { processedAt: null } }),
        }),
        (counts) => counts.total === generated.length - refusedTooLarge && counts.pending === 0,
        { timeoutMs: 120_000, what: 'every stored delivery reconciled' },
      );
      console.info(
        `fuzz-notifications seed=${SEED}: ${generated.length} deliveries sent in ${Math.round(sentMs)} ms, ` +
          `all reconciled after ${Math.round(performance.now() - startedAt)} ms; statuses ` +
          JSON.stringify(Object.fromEntries([...statuses].sort())),
      );
      expect(stored.total).toBe(generated.length - refusedTooLarge);
      expect(await prisma.gatewayNotification.count({ where: { outcome: 'applied' } })).toBe(0);

      const intents = await prisma.checkoutIntent.findMany({
        where: { id: { in: targets.map((target) => target.id) } },
      });
      expect(intents.map((intent) => [intent.state, intent.paidAmount])).toEqual(
        targets.map(() => ['AWAITING_PAYMENT', null]),
      );
      expect(await prisma.statusHistory.count()).toBe(historyBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await rig.close();
    }
  },
);
