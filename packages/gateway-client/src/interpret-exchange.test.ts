import { signFields } from '@vexora-checkout/signing';
import { describe, expect, it } from 'vitest';
import { CHECKOUT, NOW, SECRET, acceptedCheckout, setUpGateway } from './test-support/gateway-fixtures.js';
import { sendJson } from './test-support/start-fake-gateway.js';

describe('interpretExchange: HTTP statuses', () => {
  it.each([500, 502, 503])('HTTP %i is retryable/http_5xx', async (status) => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => response.writeHead(status).end('upstream trouble'));
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({ outcome: 'retryable', reason: 'http_5xx', audit: { httpStatus: status } });
    expect(result).not.toHaveProperty('retryAfterMs');
    expect(result.audit.responseBody).toBe('upstream trouble');
  });

  it('HTTP 503 with Retry-After carries it', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => response.writeHead(503, { 'retry-after': '7' }).end());
    expect(await client.checkout(CHECKOUT)).toMatchObject({ reason: 'http_5xx', retryAfterMs: 7_000 });
  });

  it('HTTP 429 with Retry-After in seconds is retryable/http_429 with retryAfterMs', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => response.writeHead(429, { 'retry-after': '3' }).end());
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'retryable',
      reason: 'http_429',
      retryAfterMs: 3_000,
      audit: { httpStatus: 429 },
    });
  });

  it('HTTP 429 with Retry-After as an HTTP-date counts from the clock', async () => {
    const { gateway, client } = await setUpGateway();
    const date = new Date(NOW + 5_000).toUTCString();
    gateway.handle((_request, response) => response.writeHead(429, { 'retry-after': date }).end());
    expect(await client.query(CHECKOUT.tradeNo)).toMatchObject({
      outcome: 'retryable',
      reason: 'http_429',
      retryAfterMs: 5_000,
    });
  });

  it('HTTP 504 (a proxy gave up waiting) is unknown/timeout, never a resend', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => response.writeHead(504).end());
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'unknown',
      reason: 'timeout',
      audit: { httpStatus: 504 },
    });
  });

  it('HTTP 404 (a misrouted request) is unknown/unparseable even with a JSON code, not a rejection', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, { code: '404', msg: 'Not Found' }, 404));
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'unknown',
      reason: 'unparseable',
      audit: { httpStatus: 404, error: expect.stringMatching(/404/) as unknown },
    });
    gateway.handle((_request, response) =>
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>'),
    );
    expect(await client.checkout(CHECKOUT)).toMatchObject({ outcome: 'unknown', reason: 'unparseable' });
  });

  it('HTTP 400 carrying the business code 8000 is the refusal it says', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, { code: '8000', msg: 'amount invalid' }, 400));
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'rejected',
      code: '8000',
      message: 'amount invalid',
      audit: { httpStatus: 400 },
    });
  });
});

describe('interpretExchange: bodies', () => {
  it('HTTP 200 with a body that is not JSON is unknown/unparseable', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'),
    );
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({
      outcome: 'unknown',
      reason: 'unparseable',
      audit: { httpStatus: 200, responseBody: '<html>ok</html>', error: 'the body is not JSON' },
    });
  });

  it.each([
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['JSON without code', '{"msg":"success"}'],
    ['a code of the wrong type', '{"code":{"x":1}}'],
  ])('HTTP 200 with %s is unknown/unparseable', async (_what, body) => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, body));
    expect(await client.checkout(CHECKOUT)).toMatchObject({ outcome: 'unknown', reason: 'unparseable' });
  });

  it('an answer with a sign that does not verify is unknown/bad_signature', async () => {
    const { gateway, client } = await setUpGateway();
    const forged = signFields(acceptedCheckout(), 'someone-elses-secret');
    gateway.handle((_request, response) => sendJson(response, forged));
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'unknown',
      reason: 'bad_signature',
      audit: { signature: 'invalid', error: expect.stringMatching(/mismatch/) as unknown },
    });

    gateway.handle((_request, response) => sendJson(response, { ...acceptedCheckout(), sign: 'not-md5' }));
    expect(await client.checkout(CHECKOUT)).toMatchObject({ reason: 'bad_signature' });
  });

  it('a sign over a rejection is checked too: a forged 8000 is not a rejection', async () => {
    const { gateway, client } = await setUpGateway();
    const forged = signFields({ code: '8000', msg: 'duplicate tradeNo' }, 'someone-elses-secret');
    gateway.handle((_request, response) => sendJson(response, forged));
    expect(await client.checkout(CHECKOUT)).toMatchObject({ outcome: 'unknown', reason: 'bad_signature' });
  });

  it('an answer with a valid sign over its top-level wire fields is accepted', async () => {
    const { gateway, client } = await setUpGateway();
    // The number literal 1719876543000.0 is signed as written, not as JavaScript prints it.
    const text = (sign: string) =>
      `{"msg":"success","code":"0000","timestamp":1719876543000.0,"success":"true","sign":"${sign}",` +
      `"data":${JSON.stringify(acceptedCheckout().data)}}`;
    const sign = signFields(
      { msg: 'success', code: '0000', timestamp: '1719876543000.0', success: 'true' },
      SECRET,
    ).sign;
    gateway.handle((_request, response) => sendJson(response, text(sign)));
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({ outcome: 'accepted', audit: { signature: 'valid' } });
  });

  it('an answer without sign (or with an empty one) is accepted, recorded as absent', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, { ...acceptedCheckout(), sign: '' }));
    expect(await client.checkout(CHECKOUT)).toMatchObject({
      outcome: 'accepted',
      audit: { signature: 'absent' },
    });
  });

  it('an answer larger than the limit is abandoned as unparseable, its audit cut', async () => {
    const { gateway, client } = await setUpGateway();
    const huge = JSON.stringify({ ...acceptedCheckout(), padding: 'x'.repeat(2 * 1024 * 1024) });
    gateway.handle((_request, response) => sendJson(response, huge));
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({
      outcome: 'unknown',
      reason: 'unparseable',
      audit: {
        httpStatus: 200,
        responseBodyTruncated: true,
        error: expect.stringMatching(/larger than/) as unknown,
      },
    });
    expect(result.audit.responseBody).toHaveLength(64 * 1024);
  });
});
