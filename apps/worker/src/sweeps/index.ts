export {
  createSweepProcessor,
  createSweepQueue,
  scheduleSweeps,
  SWEEP_JOB,
  SWEEP_QUEUE,
  SWEEP_SCHEDULER_ID,
} from './sweep-queue.js';
export {
  DEFAULT_SWEEP_OPTIONS,
  runSweeps,
  type SweepDeps,
  type SweepOptions,
  type SweepReport,
} from './run-sweeps.js';
export {
  republishOrphanedIntents,
  type RepublishOrphanedIntentsOptions,
} from './republish-orphaned-intents.js';
export {
  resolveStuckSubmissions,
  type ResolveStuckSubmissionsOptions,
  type StuckSubmissionCounts,
} from './resolve-stuck-submissions.js';
export {
  pollAwaitingPayments,
  type PollAwaitingPaymentsDeps,
  type PollAwaitingPaymentsOptions,
  type PollCounts,
} from './poll-awaiting-payments.js';
export { requeueSubmissions, type RequeueCounts, type RequeueDeps } from './requeue-submissions.js';
export {
  requeueNotificationStragglers,
  type RequeueStragglersDeps,
  type RequeueStragglersOptions,
  type StragglerCounts,
} from './requeue-notification-stragglers.js';
