import { Queue, UnrecoverableError, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import { z } from 'zod';
import { CHECKOUT_SUBMIT_QUEUE } from '../outbox/outbox-routes.js';
import { computeRetryDelay } from './compute-retry-delay.js';
import { submitCheckout, type SubmitDeps, type SubmitOutcome } from './submit-checkout.js';

export const SUBMIT_QUEUE = CHECKOUT_SUBMIT_QUEUE;

/** A job's payload is parsed, never trusted: it may have been written by older code. */
export const submitJobDataSchema = z.strictObject({
  intentId: z.uuid(),
  generation: z.number().int().min(0),
});
export type SubmitJobData = z.infer<typeof submitJobDataSchema>;

/** Thrown to make BullMQ run the job again later; carries the gateway's Retry-After when known. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

export interface SubmitQueueOptions {
  connection: ConnectionOptions;
  prefix?: string;
  /** Attempts per job before the intent becomes SUBMIT_FAILED. */
  maxAttempts: number;
}

/**
 * The queue the relay publishes to. Job defaults live here, so every producer gets them:
 * custom backoff (full jitter, Retry-After honoured), bounded retention of finished jobs so Redis
 * memory stays flat (the database, not Redis, is the record).
 */
export function createSubmitQueue(options: SubmitQueueOptions): Queue<SubmitJobData, SubmitOutcome> {
  return new Queue<SubmitJobData, SubmitOutcome>(SUBMIT_QUEUE, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    defaultJobOptions: {
      attempts: options.maxAttempts,
      backoff: { type: 'submit' },
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600, count: 100_000 },
    },
  });
}

/** BullMQ's `settings.backoffStrategy` for the submit worker. */
export function createSubmitBackoff(options: { baseMs: number; maxMs: number; random?: () => number }) {
  return (attemptsMade: number, _type: string | undefined, error: Error | undefined): number =>
    computeRetryDelay(attemptsMade, {
      baseMs: options.baseMs,
      maxMs: options.maxMs,
      retryAfterMs: error instanceof RetryLaterError ? error.retryAfterMs : undefined,
      ...(options.random ? { random: options.random } : {}),
    });
}

/** The job handler: parse, submit, and turn "not yet" into a BullMQ retry. */
export function createSubmitProcessor(deps: SubmitDeps): Processor<SubmitJobData, SubmitOutcome> {
  return async (job: Job<SubmitJobData, SubmitOutcome>) => {
    const data = submitJobDataSchema.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid submit job payload: ${data.error.message}`);
    const maxAttempts = job.opts.attempts ?? 1;
    const outcome = await submitCheckout(deps, {
      ...data.data,
      lastAttempt: job.attemptsMade + 1 >= maxAttempts,
    });
    if (outcome.kind === 'retry') {
      throw new RetryLaterError(
        `intent ${data.data.intentId} is ${outcome.state}; retrying`,
        outcome.retryAfterMs,
      );
    }
    return outcome;
  };
}
