import { describe, expect, it } from 'vitest';
import type { CheckoutResult } from './gateway-results.js';
import { CHECKOUT, NOW, acceptedCheckout, setUpGateway } from './test-support/gateway-fixtures.js';
import { sendJson } from './test-support/start-fake-gateway.js';

async function checkoutAnswered(body: string | object, status = 200): Promise<CheckoutResult> {
  const { gateway, client } = await setUpGateway();
  gateway.handle((_request, response) => sendJson(response, body, status));
  return client.checkout(CHECKOUT);
}

describe('classifyCheckoutAnswer', () => {
  it('0000 is accepted, with the order identifiers, the classified status and the payment link', async () => {
    const result = await checkoutAnswered(acceptedCheckout());
    expect(result).toEqual({
      outcome: 'accepted',
      tradeNo: CHECKOUT.tradeNo,
      platFormTradeNo: 'PF880001',
      status: {
        code: '0015',
        known: true,
        outcome: 'processing',
        final: false,
        description: 'processing: waiting for payment',
      },
      paymentLink: 'https://cashier.vexora.example/pay/PF880001',
      payInfo: '00020101021229370016vexora@khqr',
      message: 'processing',
      remark: CHECKOUT.remark,
      audit: {
        httpStatus: 200,
        latencyMs: expect.any(Number) as unknown,
        requestBody: expect.any(String) as unknown,
        responseBody: expect.any(String) as unknown,
        signature: 'absent',
      },
    });
  });

  it('keeps an unknown data.status raw, classified as an error', async () => {
    const result = await checkoutAnswered(
      acceptedCheckout({ data: { ...(acceptedCheckout().data as object), status: '0042' } }),
    );
    expect(result).toMatchObject({
      outcome: 'accepted',
      status: { code: '0042', known: false, outcome: 'failed' },
    });
  });

  it('reads the lenient shapes: timestamp a number, success a string, null members', async () => {
    const result = await checkoutAnswered(
      acceptedCheckout({
        timestamp: NOW,
        success: 'true',
        data: { ...(acceptedCheckout().data as object), payInfo: null, remark: null },
      }),
    );
    expect(result.outcome).toBe('accepted');
    expect(result).not.toHaveProperty('payInfo');
    expect(result).not.toHaveProperty('remark');
  });

  it('8000 is rejected with its message kept', async () => {
    expect(
      await checkoutAnswered({ code: '8000', msg: 'tradeNo already exists', success: false }),
    ).toMatchObject({
      outcome: 'rejected',
      code: '8000',
      known: true,
      message: 'tradeNo already exists',
    });
  });

  it('an unknown code is rejected with the raw code', async () => {
    expect(await checkoutAnswered({ code: '7777', msg: 'something new' })).toMatchObject({
      outcome: 'rejected',
      code: '7777',
      known: false,
      message: 'something new',
    });
  });

  it('5000 is retryable/gateway_busy', async () => {
    expect(await checkoutAnswered({ code: '5000', msg: 'system exception' })).toMatchObject({
      outcome: 'retryable',
      reason: 'gateway_busy',
    });
  });

  it.each([
    ['no data', { data: null }],
    ['no platFormTradeNo', { data: { tradeNo: CHECKOUT.tradeNo, status: '0015' } }],
    ['no status', { data: { tradeNo: CHECKOUT.tradeNo, platFormTradeNo: 'PF1' } }],
    ['an empty platFormTradeNo', { data: { platFormTradeNo: '', status: '0015' } }],
  ])('0000 with %s is unknown/unparseable', async (_what, overrides) => {
    expect(await checkoutAnswered(acceptedCheckout(overrides))).toMatchObject({
      outcome: 'unknown',
      reason: 'unparseable',
      audit: { error: expect.stringMatching(/0000 without/) as unknown },
    });
  });

  it('0000 about another tradeNo is unknown/unparseable', async () => {
    const result = await checkoutAnswered(
      acceptedCheckout({ data: { ...(acceptedCheckout().data as object), tradeNo: 'VX-SOMEONE-ELSE' } }),
    );
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'unparseable' });
  });
});
