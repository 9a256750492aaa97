import { IntentState } from '@vexora-checkout/db';
import type { Worker } from 'bullmq';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { measureOutboxLag } from '../outbox/measure-outbox-lag.js';
import { classifyCompletedJob, classifyFailedJob } from './classify-job-outcome.js';
import { countIntentsByState } from './count-intents-by-state.js';
import { countUnpublishedOutbox } from './count-unpublished-outbox.js';
import { createCachedValue } from './create-cached-value.js';
import { settleWithin } from './settle-within.js';

/** The job states reported per queue (BullMQ's own names). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'paused',
  'completed',
  'failed',
] as const;

/** A queue whose depth is reported: a BullMQ `Queue` fits. */
export interface QueueDepthSource {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

export interface MetricsLogger {
  warn(obj: object, msg: string): void;
}

export interface WorkerMetricsOptions {
  /** Where the outbox and intents are counted: the metrics' own pool (createMetricsPool). */
  pool: pg.Pool;
  logger: MetricsLogger;
  /** Intents by state are counted at most once per this many ms; 0 leaves them out. */
  intentsTtlMs: number;
  /** How long a scrape waits for any one source. */
  collectWaitMs?: number;
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/**
 * The worker's Prometheus metrics, in a registry of its own that other parts of the process
 * (the reconcile worker) register their series in. Counters are fed by BullMQ events and the
 * gateway decorator; gauges are read at scrape time. A source that fails or hangs leaves its
 * series out of that scrape (and counts an error); the others are still reported.
 */
export function createWorkerMetrics(options: WorkerMetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const waitMs = options.collectWaitMs ?? 2_000;

  const collectErrors = new Counter({
    name: 'vexora_worker_metrics_errors_total',
    help: 'Scrape-time sources that failed or timed out, by source (queue_depth, outbox, intents).',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const failed = (source: 'queue_depth' | 'outbox' | 'intents') => (error: unknown) => {
    collectErrors.inc({ source });
    options.logger.warn({ err: error, source }, 'a metrics source failed; its series are left out');
  };

  const jobs = new Counter({
    name: 'vexora_worker_jobs_total',
    help: 'Job attempts finished by this process, by queue and outcome (the submit outcome kind, completed, retry_later, failed).',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  });
  const stalled = new Counter({
    name: 'vexora_worker_jobs_stalled_total',
    help: 'Jobs this process found with an expired lock and moved back to waiting, by queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const gatewayCallDuration = new Histogram({
    name: 'vexora_worker_gateway_call_duration_seconds',
    help: 'Calls to Vexora by kind (checkout, query) and outcome (accepted, found, not_found, rejected, retryable, unknown, error).',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const outbox = createCachedValue({
    load: async () => {
      const [lagMs, unpublished] = await Promise.all([
        measureOutboxLag(options.pool),
        countUnpublishedOutbox(options.pool),
      ]);
      return { lagMs, unpublished };
    },
    // Two index reads: cheap, but several scrapers every few seconds need not each pay them.
    ttlMs: 5_000,
    waitMs,
    maxAgeMs: 60_000,
    onError: failed('outbox'),
  });
  new Gauge({
    name: 'vexora_worker_outbox_lag_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none waits).',
    registers: [registry],
    async collect() {
      const value = await outbox.get();
      if (value) this.set(value.lagMs / 1_000);
      else this.remove();
    },
  });
  new Gauge({
    name: 'vexora_worker_outbox_unpublished',
    help: 'Outbox rows not yet published.',
    registers: [registry],
    async collect() {
      const value = await outbox.get();
      if (value) this.set(value.unpublished);
      else this.remove();
    },
  });

  if (options.intentsTtlMs > 0) {
    const intents = createCachedValue({
      load: () => countIntentsByState(options.pool),
      ttlMs: options.intentsTtlMs,
      waitMs,
      // A count older than a few refreshes is no longer a picture of now.
      maxAgeMs: Math.max(options.intentsTtlMs * 5, 300_000),
      onError: failed('intents'),
    });
    new Gauge({
      name: 'vexora_worker_intents',
      help: 'Checkout intents per state, counted at most once per WORKER_METRICS_INTENTS_TTL_MS.',
      labelNames: ['state'] as const,
      registers: [registry],
      async collect() {
        const counts = await intents.get();
        this.reset();
        if (!counts) return;
        for (const state of Object.values(IntentState)) this.set({ state }, counts.get(state) ?? 0);
      },
    });
    new Gauge({
      name: 'vexora_worker_intents_age_seconds',
      help: 'How old the counts of vexora_worker_intents are.',
      registers: [registry],
      async collect() {
        await intents.get(); // the same load as the counts' (one at a time), so the age matches them
        const ageMs = intents.ageMs();
        if (ageMs === undefined) this.remove();
        else this.set(ageMs / 1_000);
      },
    });
  }

  return {
    registry,
    jobs,
    gatewayCallDuration,
    /**
     * Reports the depth of these queues (every queue this process knows, whoever works it) at
     * each scrape. `isRedisReady` false (the connection is down) skips them: BullMQ's connection
     * retries commands for ever, so asking would only pile commands up.
     */
    reportQueueDepth(queues: readonly QueueDepthSource[], isRedisReady: () => boolean): void {
      new Gauge({
        name: 'vexora_worker_queue_jobs',
        help: 'Jobs per BullMQ queue and state, read from Redis at scrape time.',
        labelNames: ['queue', 'state'] as const,
        registers: [registry],
        async collect() {
          this.reset();
          if (!isRedisReady()) {
            failed('queue_depth')(new Error('the Redis connection is not ready'));
            return;
          }
          const counts = await Promise.allSettled(
            queues.map((queue) =>
              settleWithin(queue.getJobCounts(...QUEUE_STATES), waitMs, `job counts of ${queue.name}`),
            ),
          );
          counts.forEach((result, index) => {
            const queue = queues[index]?.name ?? '';
            if (result.status === 'rejected') return failed('queue_depth')(result.reason);
            for (const state of QUEUE_STATES) this.set({ queue, state }, result.value[state] ?? 0);
          });
        },
      });
    },
    /** Counts a BullMQ worker's finished attempts and stalled jobs under its queue's name. */
    observeWorker(worker: Worker): void {
      const queue = worker.name;
      worker.on('completed', (_job, result) => jobs.inc({ queue, outcome: classifyCompletedJob(result) }));
      worker.on('failed', (job) => jobs.inc({ queue, outcome: classifyFailedJob(job) }));
      worker.on('stalled', () => stalled.inc({ queue }));
    },
  };
}
