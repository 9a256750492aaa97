import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createReconcileMetrics } from './reconcile-metrics.js';
import type { ReconcileResult } from './reconcile-notification.js';

const result = (overrides: Partial<ReconcileResult>): ReconcileResult => ({
  notificationId: '1',
  outcome: 'applied',
  proof: 'query',
  intentId: null,
  exceptions: [],
  signature: 'absent',
  processedNow: true,
  lagMs: 1_500,
  ...overrides,
});

describe('createReconcileMetrics', () => {
  it('counts outcomes by signature and proof, observes the lag, and reads open exceptions at scrape time', async () => {
    const registry = new Registry();
    let open = [{ kind: 'amount_mismatch', open: 2 }];
    const metrics = createReconcileMetrics(registry, { countOpenExceptions: () => Promise.resolve(open) });
    metrics.observe(result({}));
    metrics.observe(result({}));
    metrics.observe(
      result({ outcome: 'rejected_signature', signature: 'invalid', proof: 'none', lagMs: 20 }),
    );

    const text = await registry.metrics();
    expect(text).toContain(
      'vexora_notifications_reconciled_total{outcome="applied",signature="absent",proof="query"} 2',
    );
    expect(text).toContain(
      'vexora_notifications_reconciled_total{outcome="rejected_signature",signature="invalid",proof="none"} 1',
    );
    expect(text).toContain('vexora_notification_reconcile_lag_seconds_count 3');
    expect(text).toContain('vexora_notification_reconcile_lag_seconds_bucket{le="0.05"} 1');
    expect(text).toContain('vexora_reconciliation_exceptions_open{kind="amount_mismatch"} 2');

    open = [];
    expect(await registry.metrics()).not.toContain('vexora_reconciliation_exceptions_open{');
  });

  it('leaves the open exceptions out of a scrape when counting fails or hangs, instead of failing it', async () => {
    const registry = new Registry();
    const errors: unknown[] = [];
    let count: () => Promise<{ kind: string; open: number }[]> = () => Promise.reject(new Error('db down'));
    createReconcileMetrics(registry, {
      countOpenExceptions: () => count(),
      collectWaitMs: 50,
      onError: (error) => errors.push(error),
    });
    expect(await registry.metrics()).toContain('vexora_notifications_reconciled_total');
    count = () => new Promise(() => undefined);
    expect(await registry.metrics()).not.toContain('vexora_reconciliation_exceptions_open{');
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'db down',
      'counting open exceptions timed out',
    ]);
  });
});
