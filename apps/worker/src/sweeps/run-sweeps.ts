import type { VexoraAccount } from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type { GatewayClient } from '@vexora-checkout/gateway-client';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OutboxLogger } from '../outbox/run-outbox-relay.js';
import { emptyPollCounts, pollAwaitingPayments, type PollCounts } from './poll-awaiting-payments.js';
import { pruneExpiredIdempotencyKeys } from './prune-expired-idempotency-keys.js';
import { republishOrphanedIntents } from './republish-orphaned-intents.js';
import { requeueNotificationStragglers, type StragglerCounts } from './requeue-notification-stragglers.js';
import type { RequeueCounts } from './requeue-submissions.js';
import { resolveStuckSubmissions, type StuckSubmissionCounts } from './resolve-stuck-submissions.js';

export interface SweepOptions {
  /** Intents per transaction (requeues) or per sweep (polls). Default 500. */
  batchSize: number;
  /** Requeue transactions per state and sweep. Default 20 (10,000 intents). */
  maxBatches: number;
  /** PENDING for longer than this, without a live job: republished. Default 2 min. */
  orphanGraceMs: number;
  /** UNKNOWN for longer than this, without a live job: republished. Default 2 min. */
  unknownAfterMs: number;
  /** SUBMITTING for longer than this, without a live job: republished. The submit lease: 60 s. */
  submittingLeaseMs: number;
  /** Polls of AWAITING_PAYMENT, after entering it. Default 5 min, 1 h, 6 h. */
  pollScheduleMs: readonly number[];
  /** AWAITING_PAYMENT without a final status this long: EXPIRED (after a last query). Default 24 h. */
  paymentWindowMs: number;
  /** Queries in flight at once. Default 8. */
  pollConcurrency: number;
  /** Lifetime of a poll claim; longer than a query. Default 60 s. */
  pollClaimTtlMs: number;
  /** Bound on Redis calls. Default 5 s. */
  redisTimeoutMs: number;
  /** A notification still unprocessed this long after it was received is enqueued again. Default 60 s. */
  stragglerGraceMs: number;
  /** Expired idempotency keys deleted per statement; at most 20 statements per sweep. Default 5,000. */
  idempotencyPruneChunkSize: number;
}

export const DEFAULT_SWEEP_OPTIONS: SweepOptions = {
  batchSize: 500,
  maxBatches: 20,
  orphanGraceMs: 2 * 60_000,
  unknownAfterMs: 2 * 60_000,
  submittingLeaseMs: 60_000,
  pollScheduleMs: [5 * 60_000, 60 * 60_000, 6 * 60 * 60_000],
  paymentWindowMs: 24 * 60 * 60_000,
  pollConcurrency: 8,
  pollClaimTtlMs: 60_000,
  redisTimeoutMs: 5_000,
  stragglerGraceMs: 60_000,
  idempotencyPruneChunkSize: 5_000,
};

export interface SweepDeps {
  prisma: PrismaClient;
  /** The `checkout-submit` queue (jobs are looked up there; finished ones removed). */
  submitQueue: Queue;
  /** The `notification-reconcile` queue, for stragglers; without it that part is skipped. */
  reconcileQueue?: Queue;
  /** For the poll claims; any connection to the queues' Redis. */
  redis: Redis;
  /** The BullMQ prefix: claim keys live under it. */
  keyPrefix: string;
  gatewayFor(account: VexoraAccount): GatewayClient;
  accounts: readonly VexoraAccount[];
  logger?: OutboxLogger;
  now?: () => Date;
  options?: Partial<SweepOptions>;
}

export interface SweepReport {
  orphaned: RequeueCounts;
  stuck: StuckSubmissionCounts;
  polled: PollCounts;
  stragglers: StragglerCounts;
  /** Expired idempotency keys deleted. */
  idempotencyKeysPruned: number;
  durationMs: number;
}

/**
 * One sweep: republishes orphaned PENDING intents, makes stuck UNKNOWN / SUBMITTING ones run
 * again, polls silent AWAITING_PAYMENT ones (applying the final statuses found) and expires them
 * past the payment window, enqueues again the notifications left unprocessed, and deletes expired
 * idempotency keys. Each part
 * is bounded and idempotent, and safe next to another sweep. A part that fails does not stop the
 * others; the sweep then throws an AggregateError after all ran (the next sweep tries again).
 */
export async function runSweeps(deps: SweepDeps): Promise<SweepReport> {
  const options: SweepOptions = { ...DEFAULT_SWEEP_OPTIONS, ...deps.options };
  const started = Date.now();
  const requeueDeps = {
    prisma: deps.prisma,
    submitQueue: deps.submitQueue,
    ...(deps.now ? { now: deps.now } : {}),
  };
  const limits = {
    batchSize: options.batchSize,
    maxBatches: options.maxBatches,
    redisTimeoutMs: options.redisTimeoutMs,
  };
  const errors: unknown[] = [];
  const attempt = async <T>(what: string, run: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      deps.logger?.error({ err: error, sweep: what }, 'sweep failed; retried at the next interval');
      errors.push(error);
      return empty;
    }
  };
  const noRequeue: RequeueCounts = { examined: 0, live: 0, requeued: 0, removedFinishedJobs: 0, blocked: 0 };

  const orphaned = await attempt(
    'republish-orphaned-intents',
    () => republishOrphanedIntents(requeueDeps, { ...limits, graceMs: options.orphanGraceMs }),
    noRequeue,
  );
  const stuck = await attempt(
    'resolve-stuck-submissions',
    () =>
      resolveStuckSubmissions(requeueDeps, {
        ...limits,
        unknownAfterMs: options.unknownAfterMs,
        submittingLeaseMs: options.submittingLeaseMs,
      }),
    { unknown: noRequeue, submitting: noRequeue },
  );
  const polled = await attempt(
    'poll-awaiting-payments',
    () =>
      pollAwaitingPayments(
        {
          prisma: deps.prisma,
          gatewayFor: (account) => deps.gatewayFor(account),
          accounts: deps.accounts,
          redis: deps.redis,
          keyPrefix: deps.keyPrefix,
          ...(deps.now ? { now: deps.now } : {}),
        },
        {
          scheduleMs: options.pollScheduleMs,
          paymentWindowMs: options.paymentWindowMs,
          batchSize: options.batchSize,
          concurrency: options.pollConcurrency,
          claimTtlMs: options.pollClaimTtlMs,
          redisTimeoutMs: options.redisTimeoutMs,
        },
      ),
    emptyPollCounts(),
  );
  const noStragglers: StragglerCounts = {
    examined: 0,
    live: 0,
    requeued: 0,
    removedFinishedJobs: 0,
    blocked: 0,
  };
  const { reconcileQueue } = deps;
  const stragglers = reconcileQueue
    ? await attempt(
        'requeue-notification-stragglers',
        () =>
          requeueNotificationStragglers(
            { prisma: deps.prisma, reconcileQueue, ...(deps.now ? { now: deps.now } : {}) },
            {
              graceMs: options.stragglerGraceMs,
              batchSize: options.batchSize,
              redisTimeoutMs: options.redisTimeoutMs,
            },
          ),
        noStragglers,
      )
    : noStragglers;
  const idempotencyKeysPruned = await attempt(
    'prune-expired-idempotency-keys',
    () =>
      pruneExpiredIdempotencyKeys(
        { prisma: deps.prisma, ...(deps.now ? { now: deps.now } : {}) },
        { chunkSize: options.idempotencyPruneChunkSize, maxChunks: 20 },
      ),
    0,
  );
  const report: SweepReport = {
    orphaned,
    stuck,
    polled,
    stragglers,
    idempotencyKeysPruned,
    durationMs: Date.now() - started,
  };
  const acted =
    orphaned.requeued +
    stuck.unknown.requeued +
    stuck.submitting.requeued +
    polled.queried +
    polled.expired +
    stragglers.requeued +
    idempotencyKeysPruned;
  if (acted > 0 || polled.finalSeen > 0 || polled.accountMissing > 0) deps.logger?.info(report, 'sweep done');
  if (polled.finalSeen > 0) {
    deps.logger?.warn(
      {
        finalSeen: polled.finalSeen,
        applied: polled.applied,
        superseded: polled.superseded,
        exceptions: polled.exceptions,
      },
      'sweep: Vexora reports a final status for AWAITING_PAYMENT intents that got no notification; applied from the query',
    );
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} sweep part(s) failed`);
  return report;
}
