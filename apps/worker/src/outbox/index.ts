export {
  startOutboxRelay,
  type OutboxLogger,
  type OutboxRelay,
  type OutboxRelayStats,
  type StartOutboxRelayOptions,
} from './run-outbox-relay.js';
export { publishOutboxBatch, type PublishOutboxBatchOptions } from './publish-outbox-batch.js';
export { pruneOutbox, type PruneOutboxOptions } from './prune-outbox.js';
export { findUnroutedEvents, measureOutboxLag } from './measure-outbox-lag.js';
export {
  CHECKOUT_SUBMIT_EVENT,
  CHECKOUT_SUBMIT_JOB,
  CHECKOUT_SUBMIT_QUEUE,
  DEFAULT_OUTBOX_ROUTES,
  OUTBOX_CHANNEL,
  submitJobId,
  type OutboxJob,
  type OutboxQueues,
  type OutboxRoute,
  type OutboxRoutes,
  type OutboxRow,
  type SubmitJobData,
} from './outbox-routes.js';
