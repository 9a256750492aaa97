import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ReconcileResult } from './reconcile-notification.js';

export interface ReconcileMetrics {
  /** Counts a delivery the reconcile job finished, and its lag. */
  observe(result: ReconcileResult): void;
}

/**
 * The reconciliation metrics, registered on the worker's registry:
 * - `vexora_notifications_reconciled_total{outcome, signature, proof}`;
 * - `vexora_notification_reconcile_lag_seconds`: received_at → processed_at;
 * - `vexora_reconciliation_exceptions_open{kind}`: read from the database at each scrape
 *   (`countOpenExceptions`, one grouped count on the open-exceptions index), so every worker
 *   reports the same truth; omitted when no counter is given. A count that fails or takes more
 *   than `collectWaitMs` (2 s) leaves the series out of that scrape (and calls `onError`) rather
 *   than failing or hanging the whole scrape.
 */
export function createReconcileMetrics(
  registry: Registry,
  options: {
    countOpenExceptions?: () => Promise<{ kind: string; open: number }[]>;
    collectWaitMs?: number;
    onError?: (error: unknown) => void;
  } = {},
): ReconcileMetrics {
  const reconciled = new Counter({
    name: 'vexora_notifications_reconciled_total',
    help: 'Notifications the reconcile job finished, by outcome, signature check and proof used',
    labelNames: ['outcome', 'signature', 'proof'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'vexora_notification_reconcile_lag_seconds',
    help: 'Time from storing a notification to finishing its reconciliation',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const { countOpenExceptions } = options;
  if (countOpenExceptions) {
    new Gauge({
      name: 'vexora_reconciliation_exceptions_open',
      help: 'Reconciliation exceptions not resolved yet, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        let timer: NodeJS.Timeout | undefined;
        try {
          const rows = await Promise.race([
            countOpenExceptions(),
            new Promise<never>((_resolve, reject) => {
              timer = setTimeout(
                () => reject(new Error('counting open exceptions timed out')),
                options.collectWaitMs ?? 2_000,
              );
            }),
          ]);
          for (const row of rows) this.set({ kind: row.kind }, row.open);
        } catch (error) {
          options.onError?.(error);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }
  return {
    observe(result) {
      reconciled.inc({ outcome: result.outcome, signature: result.signature, proof: result.proof });
      if (result.lagMs !== null) lag.observe(Math.max(0, result.lagMs) / 1_000);
    },
  };
}
