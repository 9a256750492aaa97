import type { CheckoutResult, GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { measureGateway } from './measure-gateway.js';

const audit = { latencyMs: 12, requestBody: '{}' };

function histogram() {
  const registry = new Registry();
  const gatewayCallDuration = new Histogram({
    name: 'calls_seconds',
    help: 'test',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [1],
    registers: [registry],
  });
  const count = async (labels: { kind: string; outcome: string }) => {
    const { values } = await gatewayCallDuration.get();
    return (
      values.find(
        (value) =>
          value.metricName === 'calls_seconds_count' &&
          value.labels.kind === labels.kind &&
          value.labels.outcome === labels.outcome,
      )?.value ?? 0
    );
  };
  return { gatewayCallDuration, count };
}

/** A client answering from fixed results: the decorator's own behaviour is what is tested. */
function fixedClient(checkout: () => Promise<CheckoutResult>, query: () => Promise<QueryResult>) {
  let closed = 0;
  const client: GatewayClient = {
    merchantNo: 'M1',
    checkout,
    query,
    close: () => {
      closed += 1;
      return Promise.resolve();
    },
  };
  return { client, closed: () => closed };
}

describe('measureGateway', () => {
  test('observes each call under its kind and outcome, and passes results through unchanged', async () => {
    const metrics = histogram();
    const accepted: CheckoutResult = {
      outcome: 'accepted',
      platFormTradeNo: 'P1',
      status: { code: '0015' },
      audit,
    } as unknown as CheckoutResult;
    const notFound = { outcome: 'not_found', audit } as unknown as QueryResult;
    const { client, closed } = fixedClient(
      () => Promise.resolve(accepted),
      () => Promise.resolve(notFound),
    );
    const measured = measureGateway(client, metrics);

    expect(measured.merchantNo).toBe('M1');
    expect(await measured.checkout({} as never)).toBe(accepted);
    expect(await measured.checkout({} as never)).toBe(accepted);
    expect(await measured.query('T1')).toBe(notFound);
    await measured.close();

    expect(await metrics.count({ kind: 'checkout', outcome: 'accepted' })).toBe(2);
    expect(await metrics.count({ kind: 'query', outcome: 'not_found' })).toBe(1);
    expect(closed()).toBe(1);
  });

  test('a call that throws is observed as "error" and the error reaches the caller', async () => {
    const metrics = histogram();
    const { client } = fixedClient(
      () => Promise.reject(new Error('contract broken')),
      () => Promise.reject(new Error('closed')),
    );
    const measured = measureGateway(client, metrics);
    await expect(measured.checkout({} as never)).rejects.toThrow('contract broken');
    await expect(measured.query('T1')).rejects.toThrow('closed');
    expect(await metrics.count({ kind: 'checkout', outcome: 'error' })).toBe(1);
    expect(await metrics.count({ kind: 'query', outcome: 'error' })).toBe(1);
  });
});
