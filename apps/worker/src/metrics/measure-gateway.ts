import { performance } from 'node:perf_hooks';
import type { GatewayClient } from '@vexora-checkout/gateway-client';
import type { Histogram } from 'prom-client';

/**
 * The same client, but every call's duration is observed by kind and outcome. Wrap the direct
 * client (inside the rate limiter), so the figure is Vexora's latency, not our own pacing.
 */
export function measureGateway(
  client: GatewayClient,
  metrics: { gatewayCallDuration: Histogram<'kind' | 'outcome'> },
): GatewayClient {
  const timed = async <T extends { outcome: string }>(
    kind: 'checkout' | 'query',
    call: () => Promise<T>,
  ): Promise<T> => {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await call();
      outcome = result.outcome;
      return result;
    } finally {
      metrics.gatewayCallDuration.observe({ kind, outcome }, (performance.now() - started) / 1_000);
    }
  };
  return {
    merchantNo: client.merchantNo,
    checkout: (request) => timed('checkout', () => client.checkout(request)),
    query: (tradeNo) => timed('query', () => client.query(tradeNo)),
    close: () => client.close(),
  };
}
