import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The receiver's Prometheus metrics, in a registry of its own (no global state between tests).
 * `enqueueWaiting` is read at each scrape.
 */
export function createMetrics(sources: { enqueueWaiting?: () => number } = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const deliveries = new Counter({
    name: 'webhook_notifications_total',
    help:
      'Deliveries to the notify path by signature result (valid, invalid, absent; unread when the ' +
      'body was never read) and answer status (200 stored and acknowledged, 400 not a notification, ' +
      '401 invalid signature, 413 too large, 503 not stored).',
    labelNames: ['signature', 'status'] as const,
    registers: [registry],
  });
  const rejectedSources = new Counter({
    name: 'webhook_rejected_sources_total',
    help: 'Deliveries refused with 403 because their source address is not in WEBHOOK_ALLOWED_IPS (not stored).',
    registers: [registry],
  });
  const storeDuration = new Histogram({
    name: 'webhook_store_duration_seconds',
    help: 'Time to INSERT and commit one delivery, by result (ok, error, timeout).',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const enqueued = new Counter({
    name: 'webhook_reconcile_enqueued_total',
    help: 'Stored notifications handed to the notification-reconcile queue.',
    registers: [registry],
  });
  const enqueueFailures = new Counter({
    name: 'webhook_reconcile_enqueue_failures_total',
    help:
      'Stored notifications not handed to the queue (error, timeout, backlog, stopped); the ' +
      "worker's sweep enqueues them after its grace period.",
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const enqueueWaiting = new Gauge({
    name: 'webhook_reconcile_enqueue_waiting',
    help: 'Stored notifications waiting to be handed to the queue (grows while Redis is unreachable).',
    registers: [registry],
    collect() {
      this.set(sources.enqueueWaiting?.() ?? 0);
    },
  });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return {
    registry,
    deliveries,
    rejectedSources,
    storeDuration,
    enqueued,
    enqueueFailures,
    enqueueWaiting,
    requestDuration,
  };
}

export type WebhookMetrics = ReturnType<typeof createMetrics>;
