import { checkoutRequestSchema } from '@vexora-checkout/contracts';
import { verify } from '@vexora-checkout/signing';
import { describe, expect, it } from 'vitest';
import { createGatewayClient, type CheckoutInput } from './create-gateway-client.js';
import { GatewayRequestError } from './gateway-request-error.js';
import {
  ACCOUNT,
  CHECKOUT,
  NOW,
  SECRET,
  acceptedCheckout,
  setUpGateway,
} from './test-support/gateway-fixtures.js';
import { sendJson, startFakeGateway } from './test-support/start-fake-gateway.js';

describe('createGatewayClient: what goes on the wire', () => {
  it('posts a signed checkout with the merchantNo header, JSON content type and only strings', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));

    const result = await client.checkout(CHECKOUT);

    expect(result.outcome).toBe('accepted');
    expect(gateway.requests).toHaveLength(1);
    const [received] = gateway.requests;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/v1/vexora/checkout');
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers.merchantno).toBe(ACCOUNT.merchantNo);
    expect(received?.rawHeaderNames).toContain('merchantNo');
    const body = JSON.parse(received?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([...Object.keys(checkoutRequestSchema.shape), 'sign'].sort());
    for (const value of Object.values(body)) expect(typeof value).toBe('string');
    expect(body).toMatchObject({ ...CHECKOUT, timestamp: String(NOW) });
    expect(verify(body, SECRET)).toEqual({ ok: true });
  });

  it("signs exactly as the contract's worked example", async () => {
    const gateway = await startFakeGateway();
    const client = createGatewayClient({
      baseUrl: gateway.url,
      account: { merchantNo: 'M1', appSecret: 'test-secret' },
    });
    try {
      gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));
      await client.checkout({
        timestamp: '1719876543210',
        tradeNo: 'VX20260331000125',
        amount: '300',
        firstname: 'Rizky',
        lastname: 'Pratama',
        mobile: '09123456789',
        email: '123@gmail.com',
        channelCode: 'KHQR',
        wayCode: 'KHQR',
        notifyUrl: 'https://merchant-api.com/vexora/payment/notify',
        returnUrl: 'https://merchant.com/payment/result',
        remark: 'order_vx_000125',
      });
      const body = JSON.parse(gateway.requests[0]?.body ?? '') as Record<string, unknown>;
      expect(body.sign).toBe('482548cc66d0701ba479c682913d60a1');
      expect(body.timestamp).toBe('1719876543210');
    } finally {
      await client.close();
      await gateway.close();
    }
  });

  it('defaults timestamp to the clock, in epoch milliseconds (13 digits)', async () => {
    const { gateway, client } = await setUpGateway({ clock: () => 1_750_000_000_123.7 });
    gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));
    await client.checkout(CHECKOUT);
    const body = JSON.parse(gateway.requests[0]?.body ?? '') as Record<string, unknown>;
    expect(body.timestamp).toBe('1750000000123');
  });

  it('posts a signed query of tradeNo, timestamp and sign', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, { code: '8000', msg: 'order does not exist' }));
    await client.query('VX1');
    const [received] = gateway.requests;
    expect(received?.url).toBe('/v1/vexora/queryPayInResult');
    expect(received?.headers.merchantno).toBe(ACCOUNT.merchantNo);
    expect(received?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(received?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['sign', 'timestamp', 'tradeNo']);
    expect(body).toMatchObject({ tradeNo: 'VX1', timestamp: String(NOW) });
    expect(verify(body, SECRET)).toEqual({ ok: true });
  });

  it('keeps a path prefix of the base URL', async () => {
    const gateway = await startFakeGateway();
    const client = createGatewayClient({ baseUrl: `${gateway.url}/gw/`, account: ACCOUNT });
    try {
      gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));
      await client.checkout(CHECKOUT);
      expect(gateway.requests[0]?.url).toBe('/gw/v1/vexora/checkout');
    } finally {
      await client.close();
      await gateway.close();
    }
  });
});

describe('createGatewayClient: strict requests', () => {
  it('throws on a missing field before any network call', async () => {
    const { gateway, client } = await setUpGateway();
    const { email: _email, ...withoutEmail } = CHECKOUT;
    const error: unknown = await client
      .checkout(withoutEmail as CheckoutInput)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayRequestError);
    expect((error as GatewayRequestError).issues).toEqual([expect.stringMatching(/^email: /)]);
    expect(gateway.connections).toBe(0);
    expect(gateway.requests).toHaveLength(0);
  });

  it('throws on an empty field, an unknown field or a bad timestamp, naming fields but never values', async () => {
    const { gateway, client } = await setUpGateway();
    await expect(client.checkout({ ...CHECKOUT, mobile: '' })).rejects.toThrow(/mobile: mobile is required/);
    await expect(client.checkout({ ...CHECKOUT, sign: 'x' } as CheckoutInput)).rejects.toThrow(
      GatewayRequestError,
    );
    await expect(client.checkout({ ...CHECKOUT, timestamp: '1719876543' })).rejects.toThrow(/timestamp/);
    const error: unknown = await client
      .checkout({ ...CHECKOUT, email: 'not-an-email-sokha' })
      .catch((caught: unknown) => caught);
    expect(String(error)).not.toContain('not-an-email-sokha');
    await expect(client.query('')).rejects.toThrow(GatewayRequestError);
    expect(gateway.connections).toBe(0);
  });

  it('refuses an account without a secret and a bad base URL', () => {
    expect(() =>
      createGatewayClient({ baseUrl: 'http://127.0.0.1:1', account: { ...ACCOUNT, appSecret: '' } }),
    ).toThrow(/empty app secret/);
    expect(() => createGatewayClient({ baseUrl: 'ftp://127.0.0.1', account: ACCOUNT })).toThrow(/http/);
  });
});

describe('createGatewayClient: the keep-alive pool', () => {
  it('reuses one connection for sequential calls', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));
    expect((await client.checkout(CHECKOUT)).outcome).toBe('accepted');
    // undici hands a socket back to the pool one event-loop turn after its response ends
    // (client-h1 resumes with setImmediate, in case the server closes it despite keep-alive), so
    // a call made in the very same turn would open a second socket. A real caller does I/O
    // between two calls; this yields one turn, which is queued after undici's.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await client.checkout(CHECKOUT)).outcome).toBe('accepted');
    expect(gateway.requests).toHaveLength(2);
    expect(gateway.connections).toBe(1);
  });

  it('close() closes the pool: its sockets close and later calls reject', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, response) => sendJson(response, acceptedCheckout()));
    await client.checkout(CHECKOUT);
    expect(gateway.closedConnections).toBe(0);

    await client.close();
    await gateway.waitUntil(() => gateway.closedConnections === gateway.connections);
    expect(gateway.connections).toBe(1);
    await expect(client.checkout(CHECKOUT)).rejects.toThrow(/closed/);
    await expect(client.query(CHECKOUT.tradeNo)).rejects.toThrow(/closed/);
    await client.close(); // idempotent
  });
});
