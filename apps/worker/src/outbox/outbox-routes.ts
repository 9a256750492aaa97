import type { BulkJobOptions, Queue } from 'bullmq';

/** The NOTIFY channel the api signals after committing outbox rows (`pg_notify('outbox_event', '')`). */
export const OUTBOX_CHANNEL = 'outbox_event';

/** The columns of an `outbox_event` row the relay needs to build its job. */
export interface OutboxRow {
  /** bigint, as text (node-postgres does not parse int8 into a JS number). */
  id: string;
  eventType: string;
  intentId: string;
  generation: number;
}

/** One BullMQ job to add, with a custom `jobId`: a re-publish of the same row collapses into it. */
export interface OutboxJob {
  name: string;
  data: unknown;
  opts: BulkJobOptions & { jobId: string };
}

/** Where an event type goes: a queue (by name) and the job that represents the row there. */
export interface OutboxRoute {
  queueName: string;
  toJob(row: OutboxRow): OutboxJob;
}

/** Routes by `event_type`. Rows of any other type are never claimed (see publishOutboxBatch). */
export type OutboxRoutes = Readonly<Record<string, OutboxRoute>>;

/** Queues the relay adds to, by queue name. */
export type OutboxQueues = Readonly<Record<string, Queue>>;

export const CHECKOUT_SUBMIT_EVENT = 'checkout.submit';
export const CHECKOUT_SUBMIT_QUEUE = 'checkout-submit';
export const CHECKOUT_SUBMIT_JOB = 'submit';

/** What a `checkout-submit` job carries: the intent reads everything else from its row. */
export interface SubmitJobData {
  intentId: string;
  generation: number;
}

/**
 * The BullMQ job id of an intent's submission generation. BullMQ 6.7 refuses custom ids that
 * parse as integers or contain ':' (unless they have exactly three ':'-separated parts, a legacy
 * form of repeatable jobs), so the parts are joined with '-'. A uuid never makes this an integer.
 */
export function submitJobId(intentId: string, generation: number): string {
  return `submit-${intentId}-g${generation}`;
}

export const DEFAULT_OUTBOX_ROUTES: OutboxRoutes = {
  [CHECKOUT_SUBMIT_EVENT]: {
    queueName: CHECKOUT_SUBMIT_QUEUE,
    toJob: (row) => ({
      name: CHECKOUT_SUBMIT_JOB,
      data: { intentId: row.intentId, generation: row.generation } satisfies SubmitJobData,
      opts: { jobId: submitJobId(row.intentId, row.generation) },
    }),
  },
};

/**
 * The queue of every route, or an error naming the missing ones: a relay that cannot publish an
 * event type must not start as if it could.
 */
export function resolveRouteQueues(routes: OutboxRoutes, queues: OutboxQueues): Map<string, Queue> {
  const resolved = new Map<string, Queue>();
  const missing: string[] = [];
  for (const [eventType, route] of Object.entries(routes)) {
    const queue = queues[route.queueName];
    if (queue) resolved.set(eventType, queue);
    else missing.push(`${route.queueName} (for ${eventType})`);
  }
  if (missing.length > 0) throw new Error(`outbox relay: no queue given for ${missing.join(', ')}`);
  return resolved;
}
