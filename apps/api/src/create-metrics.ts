import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The api's Prometheus metrics, in a registry of its own (no global state between tests). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const intents = new Counter({
    name: 'checkout_intents_total',
    help: 'Checkout intent requests by outcome: created, replayed, refused, invalid.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return { registry, requestDuration, intents };
}

export type ApiMetrics = ReturnType<typeof createMetrics>;
