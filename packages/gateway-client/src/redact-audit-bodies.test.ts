import { signFields } from '@vexora-checkout/signing';
import { describe, expect, it } from 'vitest';
import {
  MAX_AUDIT_BODY_CHARS,
  REDACTED,
  redactRequestBody,
  redactResponseText,
} from './redact-audit-bodies.js';
import { CHECKOUT, PAYER, SECRET, acceptedCheckout, setUpGateway } from './test-support/gateway-fixtures.js';
import { sendJson } from './test-support/start-fake-gateway.js';

describe('redactRequestBody', () => {
  it('replaces the payer details and sign, keeps the rest', () => {
    const body = signFields({ tradeNo: 'VX1', amount: '1.00', ...PAYER }, SECRET);
    expect(JSON.parse(redactRequestBody(body))).toEqual({
      tradeNo: 'VX1',
      amount: '1.00',
      firstname: REDACTED,
      lastname: REDACTED,
      mobile: REDACTED,
      email: REDACTED,
      sign: REDACTED,
    });
  });
});

describe('redactResponseText', () => {
  it('replaces redacted members at any depth and keeps everything else byte for byte', () => {
    const text =
      '{"code":"0000", "amount":300.50,"sign":"abc","data":{"Email" : "a@b.c","mobile":12345678,' +
      '"remark":"say \\"email\\": \\"x\\"","firstname":null,"list":["email"]}}';
    expect(redactResponseText(text)).toEqual({
      text:
        '{"code":"0000", "amount":300.50,"sign":"[redacted]","data":{"Email" : "[redacted]","mobile":"[redacted]",' +
        '"remark":"say \\"email\\": \\"x\\"","firstname":"[redacted]","list":["email"]}}',
      truncated: false,
    });
  });

  it('handles escaped quotes inside a redacted value', () => {
    expect(redactResponseText('{"lastname":"O\\"Neil \\\\","x":1}').text).toBe(
      '{"lastname":"[redacted]","x":1}',
    );
  });

  it('passes text that is not JSON through, and cuts long text', () => {
    expect(redactResponseText('<html>ok</html>')).toEqual({ text: '<html>ok</html>', truncated: false });
    const long = redactResponseText('y'.repeat(MAX_AUDIT_BODY_CHARS + 10));
    expect(long.truncated).toBe(true);
    expect(long.text).toHaveLength(MAX_AUDIT_BODY_CHARS);
  });
});

describe('audits never carry payer details, signatures or the secret', () => {
  const secrets = [SECRET, ...Object.values(PAYER)];

  it.each([
    [
      'an accepted checkout echoing the payer',
      200,
      { ...acceptedCheckout(), data: { ...(acceptedCheckout().data as object), ...PAYER } },
    ],
    [
      'a rejection echoing the payer',
      200,
      { code: '8000', msg: 'bad email', email: PAYER.email, mobile: PAYER.mobile },
    ],
    [
      'an answer with a forged sign',
      200,
      signFields({ code: '0000', firstname: PAYER.firstname }, 'other-secret'),
    ],
    ['a 500', 500, { error: 'x', lastname: PAYER.lastname }],
  ])('%s', async (_what, status, body) => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, body, status));
    const result = await client.checkout(CHECKOUT);
    const sentSign = (JSON.parse(gateway.requests[0]?.body ?? '') as { sign: string }).sign;
    const serialised = JSON.stringify(result);
    for (const value of [...secrets, sentSign]) expect(serialised).not.toContain(value);
    expect(JSON.parse(result.audit.requestBody)).toMatchObject({
      tradeNo: CHECKOUT.tradeNo,
      firstname: REDACTED,
      lastname: REDACTED,
      mobile: REDACTED,
      email: REDACTED,
      sign: REDACTED,
    });
  });

  it('a body that is not JSON, whose parse error would quote it', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, `oops ${PAYER.email}`));
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'unparseable' });
    expect(result.audit.error).not.toContain(PAYER.email);
  });

  it('a connection refused', async () => {
    const { gateway, client } = await setUpGateway();
    await gateway.close();
    const result = await client.query(CHECKOUT.tradeNo);
    expect(result.outcome).toBe('retryable');
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});
