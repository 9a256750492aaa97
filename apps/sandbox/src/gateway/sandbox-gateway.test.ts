import { isQueryNotFound, type VexoraAccount } from '@vexora-checkout/contracts';
import { verify } from '@vexora-checkout/signing';
import { describe, expect, test } from 'vitest';
import {
  buildCheckoutBody,
  buildQueryBody,
  DEV_SECRET,
  KHR_MERCHANT,
  USD_MERCHANT,
} from '../../test/support/build-checkout-body.js';
import { createTestGateway } from '../../test/support/create-test-gateway.js';
import { decodeKhqr } from '../khqr/decode-khqr.js';

describe('checkout', () => {
  test('accepts a valid signed request: 0000, status 0015, payment link and a KHQR payInfo', () => {
    const { gateway, clock } = createTestGateway();
    const body = buildCheckoutBody({ amount: '12.50' });
    const { envelope, created } = gateway.checkout(USD_MERCHANT, body);
    expect(envelope).toMatchObject({ code: '0000', msg: 'success', success: true, timestamp: clock.now() });
    expect(envelope.data).toMatchObject({
      tradeNo: body.tradeNo,
      status: '0015',
      message: 'Processing',
      remark: 'order-42',
      paymentLink: `http://sandbox.test/pay?token=${created?.token}`,
    });
    expect(envelope.data?.platFormTradeNo).toMatch(/^vx[0-9a-z]{15}$/);
    const khqr = decodeKhqr(envelope.data?.payInfo ?? '');
    if (!khqr.ok) throw new Error(khqr.reason);
    expect(khqr.crcValid).toBe(true);
    expect(khqr.values.get('01')).toBe('12');
    expect(khqr.values.get('53')).toBe('840');
    expect(khqr.values.get('54')).toBe('12.50');
    expect(khqr.values.get('58')).toBe('KH');
    expect(khqr.values.get('62.01')).toBe(body.tradeNo);
    expect(khqr.values.get('99.00')).toBe(String(clock.now()));
  });

  test('takes the currency from the merchant account: riel in whole numbers, code 116', () => {
    const { gateway } = createTestGateway();
    const riel = gateway.checkout(KHR_MERCHANT, buildCheckoutBody({ amount: '40000' }));
    expect(riel.envelope.code).toBe('0000');
    const khqr = decodeKhqr(riel.envelope.data?.payInfo ?? '');
    expect(khqr.ok && khqr.values.get('53')).toBe('116');
    expect(gateway.checkout(KHR_MERCHANT, buildCheckoutBody({ amount: '400.50' })).envelope).toMatchObject({
      code: '8000',
      msg: 'amount must be a whole number of riel for KHR (got "400.50") (this order is in KHR: merchant SANDBOX0002, channel KHQR)',
    });
  });

  test('on an account with several currencies, the channel code names the currency', () => {
    const account: VexoraAccount = {
      id: 'both',
      merchantNo: 'BOTH',
      appSecret: DEV_SECRET,
      baseUrl: undefined,
      currencies: ['KHR', 'USD'],
      channelCode: 'KHQR',
      wayCode: 'KHQR',
    };
    const { gateway } = createTestGateway({ accounts: [account] });
    expect(gateway.checkout('BOTH', buildCheckoutBody({ amount: '5000' })).created?.currency).toBe('KHR');
    expect(
      gateway.checkout('BOTH', buildCheckoutBody({ amount: '5.25', channelCode: 'KHQR_USD' })).created
        ?.currency,
    ).toBe('USD');
  });

  test('answers no payInfo outside the KHQR channel', () => {
    const { gateway } = createTestGateway();
    const { envelope } = gateway.checkout(
      USD_MERCHANT,
      buildCheckoutBody({ channelCode: 'CARD', wayCode: 'CARD' }),
    );
    expect(envelope.code).toBe('0000');
    expect(envelope.data).not.toHaveProperty('payInfo');
  });

  test.each([
    [undefined, {}, 'merchantNo header is required'],
    ['NOPE', {}, 'merchantNo NOPE is not a merchant of this gateway'],
  ])('rejects merchantNo %j with 8000', (merchantNo, overrides, msg) => {
    const { gateway } = createTestGateway();
    expect(gateway.checkout(merchantNo, buildCheckoutBody(overrides)).envelope).toMatchObject({
      code: '8000',
      msg,
      success: false,
      data: null,
    });
  });

  test.each<[string, (body: Record<string, unknown>) => unknown, string]>([
    ['a body that is not an object', () => ['x'], 'the body must be a JSON object'],
    [
      'missing fields',
      ({ tradeNo: _t, email: _e, sign: _s, ...rest }) => rest,
      'tradeNo is required; email is required; sign is required',
    ],
    ['a number where a string is due', (body) => ({ ...body, amount: 10.5 }), 'amount must be a string'],
    ['an empty field', (body) => ({ ...body, remark: '' }), 'remark is required'],
    [
      'fields not in the contract',
      (body) => ({ ...body, currency: 'USD', extra: 1 }),
      'unknown fields currency, extra (not in the contract)',
    ],
    [
      'a timestamp that is not epoch milliseconds',
      (body) => ({ ...body, timestamp: '2026-03-31' }),
      'timestamp must be epoch milliseconds (13 digits)',
    ],
    ['a malformed email', (body) => ({ ...body, email: 'nobody' }), 'email must be an email address'],
    ['an absent sign', ({ sign: _s, ...rest }) => rest, 'sign is required'],
    [
      'a malformed sign',
      (body) => ({ ...body, sign: 'abc' }),
      'sign must be 32 hexadecimal characters (lowercase MD5)',
    ],
  ])('rejects %s with 8000 and a precise message', (_case, change, msg) => {
    const { gateway } = createTestGateway();
    expect(gateway.checkout(USD_MERCHANT, change(buildCheckoutBody())).envelope).toMatchObject({
      code: '8000',
      msg,
    });
  });

  test('rejects a signature that does not match, naming the signature base it expected', () => {
    const { gateway } = createTestGateway();
    const body = buildCheckoutBody({ remark: 'r' });
    const tampered = { ...body, amount: '99.00' };
    const { envelope } = gateway.checkout(USD_MERCHANT, tampered);
    expect(envelope.code).toBe('8000');
    expect(envelope.msg).toMatch(
      /^sign does not match: expected MD5 \(lowercase hex\) of the signature base "amount=99.00channelCode=KHQR/,
    );
    expect(envelope.msg).not.toContain(DEV_SECRET);
  });

  test.each([
    [{ amount: '10.505' }, 'amount must have at most 2 decimal places for USD (got "10.505")'],
    [{ amount: '0' }, 'amount must be greater than zero'],
    [{ amount: '1e3' }, 'amount must be a plain decimal number such as "12.50" (got "1e3")'],
    [
      { mobile: '+85512345678' },
      'mobile must be the 8 or 9 national digits, without +855 or the leading 0 (got "+85512345678")',
    ],
    [
      { mobile: '0912345678' },
      'mobile must be the 8 or 9 national digits, without +855 or the leading 0 (got "0912345678")',
    ],
    [{ mobile: '1234' }, 'mobile must be a Cambodian mobile number'],
    [{ notifyUrl: 'ftp://merchant.example/notify' }, 'notifyUrl must be an http or https URL'],
    [{ returnUrl: 'not a url' }, 'returnUrl must be a URL'],
    [{ tradeNo: 'ពាណិជ្ជកម្ម' }, 'tradeNo must be printable ASCII for the KHQR channel'],
  ])('rejects the value %j', (overrides, msg) => {
    const { gateway } = createTestGateway();
    const { envelope } = gateway.checkout(USD_MERCHANT, buildCheckoutBody(overrides));
    expect(envelope.code).toBe('8000');
    expect(envelope.msg).toContain(msg);
  });

  test('reports every problem at once', () => {
    const { gateway } = createTestGateway();
    const { envelope } = gateway.checkout(
      USD_MERCHANT,
      buildCheckoutBody({ amount: '-1', mobile: 'x', notifyUrl: 'ftp://a.b/c' }),
    );
    expect(envelope.msg.split('; ')).toHaveLength(3);
  });

  test('rejects a tradeNo the merchant already used, without replaying the order', () => {
    const { gateway } = createTestGateway();
    const body = buildCheckoutBody();
    expect(gateway.checkout(USD_MERCHANT, body).envelope.code).toBe('0000');
    const again = gateway.checkout(USD_MERCHANT, body);
    expect(again.envelope).toMatchObject({
      code: '8000',
      msg: `tradeNo ${body.tradeNo} already exists for merchant ${USD_MERCHANT}: duplicate order`,
      data: null,
    });
    expect(again.created).toBeUndefined();
    // Another merchant has its own tradeNos.
    expect(
      gateway.checkout(KHR_MERCHANT, { ...buildCheckoutBody({ tradeNo: body.tradeNo, amount: '100' }) })
        .envelope.code,
    ).toBe('0000');
  });

  test('refuses new orders with 5000 once it holds SANDBOX_MAX_ORDERS, and takes them again after a reset', async () => {
    const { gateway } = createTestGateway({ maxOrders: 2 });
    gateway.checkout(USD_MERCHANT, buildCheckoutBody());
    gateway.checkout(USD_MERCHANT, buildCheckoutBody());
    expect(gateway.checkout(USD_MERCHANT, buildCheckoutBody()).envelope).toMatchObject({
      code: '5000',
      msg: 'the sandbox holds its maximum of 2 orders (SANDBOX_MAX_ORDERS); POST /_sandbox/reset clears them',
    });
    await gateway.reset();
    expect(gateway.checkout(USD_MERCHANT, buildCheckoutBody()).envelope.code).toBe('0000');
  });
});

describe('query', () => {
  test('answers the explicit not-found for a tradeNo it does not hold', () => {
    const { gateway } = createTestGateway();
    const envelope = gateway.query(USD_MERCHANT, buildQueryBody('UNKNOWN1'));
    expect(envelope).toMatchObject({ code: '8000', msg: 'order does not exist', success: false, data: null });
    expect(isQueryNotFound(envelope.code, envelope.msg)).toBe(true);
  });

  test("answers another merchant's order as not found", () => {
    const { gateway } = createTestGateway();
    const body = buildCheckoutBody();
    gateway.checkout(USD_MERCHANT, body);
    expect(gateway.query(KHR_MERCHANT, buildQueryBody(body.tradeNo)).msg).toBe('order does not exist');
  });

  test('validates the query like a checkout: fields, header, signature', () => {
    const { gateway } = createTestGateway();
    expect(gateway.query(USD_MERCHANT, { timestamp: '1719876543210' }).msg).toBe(
      'tradeNo is required; sign is required',
    );
    expect(gateway.query(undefined, buildQueryBody('X')).msg).toBe('merchantNo header is required');
    expect(gateway.query(USD_MERCHANT, { ...buildQueryBody('X'), tradeNo: 'Y' }).msg).toMatch(
      /^sign does not match/,
    );
    expect(
      isQueryNotFound('8000', gateway.query(USD_MERCHANT, { ...buildQueryBody('X'), tradeNo: 'Y' }).msg),
    ).toBe(false);
  });

  test('answers the true state: processing, then paid with successTime in Phnom Penh time', async () => {
    const { gateway, clock } = createTestGateway();
    const body = buildCheckoutBody({ amount: '12.50' });
    const { created } = gateway.checkout(USD_MERCHANT, body);
    expect(gateway.query(USD_MERCHANT, buildQueryBody(body.tradeNo))).toMatchObject({
      code: '0000',
      data: {
        tradeNo: body.tradeNo,
        platFormTradeNo: created?.platFormTradeNo,
        status: '0015',
        amount: '12.50',
        message: 'Processing',
        remark: 'order-42',
      },
    });
    await clock.advance(60_000);
    // The fake clock starts at 2026-03-31 07:00:00 UTC: 14:01:00 in Phnom Penh (UTC+7).
    expect(gateway.settle(created!, { outcome: 'paid' }, 'admin').ok).toBe(true);
    const paid = gateway.query(USD_MERCHANT, buildQueryBody(body.tradeNo));
    expect(paid.data).toMatchObject({
      status: '0000',
      amount: '12.50',
      message: 'Success',
      successTime: '2026-03-31 14:01:00',
    });
  });

  test('answers the paid amount of a partial payment, and no successTime for a failure', () => {
    const { gateway } = createTestGateway();
    const partial = buildCheckoutBody({ amount: '12.50' });
    const failed = buildCheckoutBody();
    gateway.settle(
      gateway.checkout(USD_MERCHANT, partial).created!,
      { outcome: 'partial', amount: '5' },
      'cashier',
    );
    gateway.settle(gateway.checkout(USD_MERCHANT, failed).created!, { outcome: 'failed' }, 'cashier');
    expect(gateway.query(USD_MERCHANT, buildQueryBody(partial.tradeNo)).data).toMatchObject({
      status: '0001',
      amount: '5.00',
      message: 'Partial payment',
    });
    const answer = gateway.query(USD_MERCHANT, buildQueryBody(failed.tradeNo)).data;
    expect(answer).toMatchObject({ status: '00029', amount: '10.50', message: 'Failed' });
    expect(answer).not.toHaveProperty('successTime');
  });
});

describe('settle', () => {
  test('never changes a final order', () => {
    const { gateway } = createTestGateway();
    const order = gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!;
    expect(gateway.settle(order, { outcome: 'failed' }, 'cashier')).toMatchObject({ ok: true });
    expect(gateway.settle(order, { outcome: 'paid' }, 'cashier')).toEqual({
      ok: false,
      message: 'the order is already settled (status 00029)',
    });
    expect(order.status).toBe('00029');
  });

  test('checks a partial amount against the currency and the order; the whole amount is a full payment', () => {
    const { gateway } = createTestGateway();
    const order = gateway.checkout(USD_MERCHANT, buildCheckoutBody({ amount: '10.50' })).created!;
    expect(gateway.settle(order, { outcome: 'partial', amount: '1.005' }, 'cashier')).toMatchObject({
      ok: false,
    });
    expect(gateway.settle(order, { outcome: 'partial', amount: '11' }, 'cashier')).toEqual({
      ok: false,
      message: "amount must not exceed the order's 10.50 USD",
    });
    expect(gateway.settle(order, { outcome: 'partial' }, 'cashier')).toMatchObject({ ok: false });
    expect(gateway.settle(order, { outcome: 'partial', amount: '10.5' }, 'cashier')).toMatchObject({
      ok: true,
    });
    expect(order.status).toBe('0000');
  });

  test('sends a notification signed with the merchant secret, with the paid amount', async () => {
    const { gateway, clock, posted } = createTestGateway();
    const body = buildCheckoutBody({ amount: '10.50', notifyUrl: 'https://merchant.example/n' });
    const order = gateway.checkout(USD_MERCHANT, body).created!;
    gateway.settle(order, { outcome: 'partial', amount: '4.2' }, 'cashier');
    await clock.advance(0);
    expect(posted).toHaveLength(1);
    const notification = posted[0]!;
    expect(notification.url).toBe('https://merchant.example/n');
    expect(notification.body).toEqual({
      platFormTradeNo: order.platFormTradeNo,
      tradeNo: body.tradeNo,
      amount: '4.20',
      status: '0001',
      message: 'Partial payment',
      remark: 'order-42',
      timestamp: String(clock.now()),
      sign: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
    });
    expect(verify(notification.body, DEV_SECRET)).toEqual({ ok: true });
    expect(order.notifications[0]).toMatchObject({ kind: 'final', state: 'delivered' });
  });
});

describe('scenario', () => {
  test('auto-settles each new order after the delay, by the seeded ratios', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: {
        autoSettle: { afterMs: 30_000, paid: 1, partial: 1, failed: 1, silent: 1, partialFraction: 0.25 },
      },
    });
    const orders = Array.from(
      { length: 40 },
      () => gateway.checkout(USD_MERCHANT, buildCheckoutBody({ amount: '10.00' })).created!,
    );
    await clock.advance(29_999);
    expect(orders.every((order) => order.status === '0015')).toBe(true);
    await clock.advance(1);
    const expected = { paid: '0000', partial: '0001', failed: '00029', silent: '0015' } as const;
    for (const order of orders) {
      expect(order.status).toBe(expected[order.autoSettle!.outcome]);
      if (order.status === '0001') expect(order.paidMinor).toBe(250n);
    }
    const outcomes = new Set(orders.map((order) => order.autoSettle?.outcome));
    expect(outcomes).toEqual(new Set(['paid', 'partial', 'failed', 'silent']));
    // Silent orders send nothing; the others one notification each.
    expect(posted).toHaveLength(orders.filter((order) => order.status !== '0015').length);
    expect(orders.filter((order) => order.settledBy === 'auto')).toHaveLength(posted.length);
  });

  test('replays the same auto-settlements and faults for the same seed', () => {
    const run = (seed: number) => {
      const { gateway } = createTestGateway({
        seed,
        scenario: {
          autoSettle: { paid: 1, partial: 1, failed: 1, silent: 1 },
          faults: { http500: 0.3, reset: 0.3 },
        },
      });
      return Array.from({ length: 20 }, () => [
        gateway.chooseFault('checkout') ?? 'none',
        gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created?.autoSettle?.outcome,
      ]);
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  test('an order settled at the cashier before its auto-settlement keeps the payer result', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: { autoSettle: { afterMs: 1_000, failed: 1 } },
    });
    const order = gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!;
    gateway.settle(order, { outcome: 'paid' }, 'cashier');
    await clock.advance(5_000);
    expect(order.status).toBe('0000');
    expect(posted.map((notification) => notification.body.status)).toEqual(['0000']);
  });

  test('delivers an acknowledged notification twice with duplicateRate 1', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: { notifications: { duplicateRate: 1 } },
    });
    const order = gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!;
    gateway.settle(order, { outcome: 'paid' }, 'cashier');
    await clock.advance(0);
    expect(posted.map((notification) => notification.body)).toEqual([posted[0]?.body, posted[0]?.body]);
    expect(order.notifications.map((delivery) => [delivery.kind, delivery.state])).toEqual([
      ['final', 'delivered'],
      ['duplicate', 'delivered'],
    ]);
  });

  test('follows an acknowledged final notification with a stale, validly signed 0015 with outOfOrderRate 1', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: { notifications: { outOfOrderRate: 1 } },
    });
    const createdAt = clock.now();
    const order = gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!;
    await clock.advance(10_000);
    gateway.settle(order, { outcome: 'paid' }, 'cashier');
    await clock.advance(0);
    expect(posted.map((notification) => notification.body.status)).toEqual(['0000', '0015']);
    const stale = posted[1]!.body;
    expect(stale).toMatchObject({ status: '0015', message: 'Processing', timestamp: String(createdAt) });
    expect(verify(stale, DEV_SECRET)).toEqual({ ok: true });
    expect(order.status).toBe('0000');
  });

  test('sends no extra notification while the final one is not acknowledged', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: { notifications: { duplicateRate: 1, outOfOrderRate: 1 } },
      answer: () => ({ status: 500, body: 'down' }),
    });
    gateway.settle(
      gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!,
      { outcome: 'paid' },
      'cashier',
    );
    await clock.advance(86_400_000);
    expect(posted).toHaveLength(9);
    expect(new Set(posted.map((notification) => notification.body.status))).toEqual(new Set(['0000']));
  });

  test('reset forgets orders, cancels pending settlements and deliveries, and restores the start scenario', async () => {
    const { gateway, clock, posted } = createTestGateway({
      scenario: { autoSettle: { afterMs: 1_000, paid: 1 } },
      answer: () => ({ status: 500, body: 'down' }),
    });
    const settled = gateway.checkout(USD_MERCHANT, buildCheckoutBody()).created!;
    gateway.settle(settled, { outcome: 'paid' }, 'cashier');
    gateway.checkout(USD_MERCHANT, buildCheckoutBody());
    await clock.advance(0);
    gateway.scenario = { ...gateway.scenario, latencyMs: { minMs: 5, maxMs: 5 } };
    await gateway.reset();
    expect(gateway.orderCount).toBe(0);
    expect(gateway.scenario.latencyMs).toEqual({ minMs: 0, maxMs: 0 });
    expect(settled.notifications[0]?.state).toBe('cancelled');
    await clock.advance(86_400_000);
    expect(posted).toHaveLength(1);
    expect(clock.pendingCount()).toBe(0);
  });
});
