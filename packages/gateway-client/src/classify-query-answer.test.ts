import { QUERY_NOT_FOUND } from '@vexora-checkout/contracts';
import { describe, expect, it } from 'vitest';
import type { QueryResult } from './gateway-results.js';
import { NOW, setUpGateway } from './test-support/gateway-fixtures.js';
import { sendJson } from './test-support/start-fake-gateway.js';

const TRADE_NO = 'VX20260331000125';

async function queryAnswered(body: string | object): Promise<QueryResult> {
  const { gateway, client } = await setUpGateway();
  gateway.handle((_request, response) => sendJson(response, body));
  return client.query(TRADE_NO);
}

const paid = {
  tradeNo: TRADE_NO,
  platFormTradeNo: 'PF880001',
  status: '0000',
  amount: '12.50',
  message: 'success',
  successTime: '2026-03-31 14:05:09',
  remark: 'order_vx_000125',
};

describe('classifyQueryAnswer', () => {
  it('0000 is found, with the classified status and the amount as text', async () => {
    const result = await queryAnswered({
      code: '0000',
      msg: 'success',
      timestamp: String(NOW),
      success: true,
      data: paid,
    });
    expect(result).toMatchObject({
      outcome: 'found',
      tradeNo: TRADE_NO,
      platFormTradeNo: 'PF880001',
      status: { code: '0000', known: true, outcome: 'paid', final: true },
      amount: '12.50',
      successTime: '2026-03-31 14:05:09',
      message: 'success',
      remark: 'order_vx_000125',
    });
  });

  it('parses leniently: timestamp a number, success "true", amount a number kept as written', async () => {
    const text =
      `{"code":"0000","msg":"success","timestamp":${NOW},"success":"true",` +
      `"data":{"tradeNo":"${TRADE_NO}","platFormTradeNo":"PF2","status":"0001","amount":300.50}}`;
    const result = await queryAnswered(text);
    expect(result).toMatchObject({
      outcome: 'found',
      status: { code: '0001', outcome: 'partially_paid' },
      amount: '300.50',
    });
    expect(result).not.toHaveProperty('successTime');
  });

  it(`8000 + "${QUERY_NOT_FOUND.sandboxMessage}" is not_found`, async () => {
    expect(
      await queryAnswered({ code: '8000', msg: QUERY_NOT_FOUND.sandboxMessage, success: false }),
    ).toMatchObject({
      outcome: 'not_found',
      code: '8000',
      message: QUERY_NOT_FOUND.sandboxMessage,
    });
  });

  it('8000 with any other message is rejected, proving nothing about the order', async () => {
    expect(await queryAnswered({ code: '8000', msg: 'sign error' })).toMatchObject({
      outcome: 'rejected',
      code: '8000',
      known: true,
      message: 'sign error',
    });
  });

  it('an unknown code is rejected with the raw code; 5000 is retryable/gateway_busy', async () => {
    expect(await queryAnswered({ code: '9999', msg: '?' })).toMatchObject({
      outcome: 'rejected',
      code: '9999',
      known: false,
    });
    expect(await queryAnswered({ code: '5000', msg: 'busy' })).toMatchObject({
      outcome: 'retryable',
      reason: 'gateway_busy',
    });
  });

  it.each([
    ['no data', { code: '0000' }],
    ['no amount', { code: '0000', data: { ...paid, amount: undefined } }],
    ['no status', { code: '0000', data: { ...paid, status: null } }],
    ['another tradeNo', { code: '0000', data: { ...paid, tradeNo: 'VX-OTHER' } }],
  ])('0000 with %s is unknown/unparseable', async (_what, body) => {
    expect(await queryAnswered(body)).toMatchObject({ outcome: 'unknown', reason: 'unparseable' });
  });
});
