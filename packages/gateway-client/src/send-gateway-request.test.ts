import type { ServerResponse } from 'node:http';
import { Pool } from 'undici';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGatewayClient } from './create-gateway-client.js';
import { ACCOUNT, CHECKOUT, setUpGateway } from './test-support/gateway-fixtures.js';
import { findClosedPort, sendJson, startFakeGateway } from './test-support/start-fake-gateway.js';

describe('sendGatewayRequest: certainly not sent', () => {
  it('connection refused (nothing listens) is retryable/not_sent, for both calls', async () => {
    const port = await findClosedPort();
    const client = createGatewayClient({ baseUrl: `http://127.0.0.1:${port}`, account: ACCOUNT });
    onTestFinished(() => client.close());
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({
      outcome: 'retryable',
      reason: 'not_sent',
      audit: { error: expect.stringMatching(/ECONNREFUSED/) as unknown },
    });
    expect(result.audit).not.toHaveProperty('httpStatus');
    expect(result.audit).not.toHaveProperty('responseBody');
    expect(await client.query(CHECKOUT.tradeNo)).toMatchObject({ outcome: 'retryable', reason: 'not_sent' });
  });

  it('a host that does not resolve is retryable/not_sent', async () => {
    const client = createGatewayClient({
      baseUrl: 'http://vexora-gateway.invalid',
      account: ACCOUNT,
      // Without any DNS server, the lookup hangs: the deadline then says not_sent too.
      timeoutMs: 1_000,
    });
    onTestFinished(() => client.close());
    expect(await client.checkout(CHECKOUT)).toMatchObject({ outcome: 'retryable', reason: 'not_sent' });
  });

  it('a request whose deadline passes while it waits for a connection is not_sent, and never written', async () => {
    const gateway = await startFakeGateway();
    const pool = new Pool(gateway.url, { connections: 1 });
    const patient = createGatewayClient({ baseUrl: gateway.url, account: ACCOUNT, dispatcher: pool });
    const hasty = createGatewayClient({
      baseUrl: gateway.url,
      account: ACCOUNT,
      dispatcher: pool,
      timeoutMs: 150,
    });
    onTestFinished(async () => {
      await Promise.all([patient.close(), hasty.close()]);
      await pool.close();
      await gateway.close();
    });
    const held: ServerResponse[] = [];
    gateway.handle((request, response) => {
      if (request.body.includes('VX-HELD')) held.push(response);
      else sendJson(response, { code: '8000', msg: 'answered' });
    });

    // The only connection is busy with a request the gateway holds…
    const first = patient.checkout({ ...CHECKOUT, tradeNo: 'VX-HELD' });
    await gateway.waitUntil(() => held.length === 1);
    // …so this one waits in the pool's queue past its deadline.
    expect(await hasty.checkout({ ...CHECKOUT, tradeNo: 'VX-QUEUED' })).toMatchObject({
      outcome: 'retryable',
      reason: 'not_sent',
    });

    // The connection frees up: the expired request must not be written now.
    sendJson(held[0] as ServerResponse, { code: '8000', msg: 'released' });
    expect(await first).toMatchObject({ outcome: 'rejected', message: 'released' });
    expect(await patient.checkout({ ...CHECKOUT, tradeNo: 'VX-AFTER' })).toMatchObject({
      outcome: 'rejected',
    });
    const tradeNos = gateway.requests.map(
      (request) => (JSON.parse(request.body) as { tradeNo: string }).tradeNo,
    );
    expect(tradeNos).toEqual(['VX-HELD', 'VX-AFTER']);
  });
});

describe('sendGatewayRequest: maybe sent', () => {
  it('the gateway reads the request, then drops the connection without answering: unknown/connection_lost', async () => {
    const { gateway, client } = await setUpGateway();
    gateway.handle((_request, _response, incoming) => incoming.socket.destroy());
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'connection_lost' });
    expect(result.audit.error).toEqual(expect.any(String));
    expect(gateway.requests).toHaveLength(1);
  });

  it('the gateway holds the request past the deadline: unknown/timeout, and the socket is dropped', async () => {
    const { gateway, client } = await setUpGateway({ timeoutMs: 200 });
    gateway.handle(() => {
      /* never answers */
    });
    const started = performance.now();
    const result = await client.checkout(CHECKOUT);
    expect(result).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(result.audit.latencyMs).toBeLessThan(2_000);
    expect(gateway.requests).toHaveLength(1);
    await gateway.waitUntil(() => gateway.closedConnections === 1);
  });

  it('the deadline covers the body too: headers sent, body never finished, unknown/timeout', async () => {
    const { gateway, client } = await setUpGateway({ timeoutMs: 200 });
    gateway.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"code":"0000",');
    });
    const result = await client.query(CHECKOUT.tradeNo);
    expect(result).toMatchObject({
      outcome: 'unknown',
      reason: 'timeout',
      audit: { httpStatus: 200, responseBody: '{"code":"0000",' },
    });
  });
});
