import {
  requeueSubmissions,
  type RequeueCounts,
  type RequeueDeps,
  type RequeueLimits,
} from './requeue-submissions.js';

export interface ResolveStuckSubmissionsOptions extends RequeueLimits {
  /** UNKNOWN for longer than this (and no live job): a job is made to run. */
  unknownAfterMs: number;
  /**
   * SUBMITTING for longer than this (and no live job): the worker that held it died. Use the
   * submit job's `submittingLeaseMs` (or more): a job republished sooner would find the lease
   * still running and complete without doing anything.
   */
  submittingLeaseMs: number;
}

export interface StuckSubmissionCounts {
  unknown: RequeueCounts;
  submitting: RequeueCounts;
}

/**
 * UNKNOWN intents and SUBMITTING ones past the lease, with no live submit job, get a new outbox
 * row for their current generation, so a submit job runs for them. The job itself resolves them
 * through the Query API before anything is resent (UNKNOWN, and a SUBMITTING past the lease, are
 * taken over as "may have reached Vexora"), so that logic, its audit rows and its attempt budget
 * stay in one place: the sweep only makes sure the job exists.
 */
export async function resolveStuckSubmissions(
  deps: RequeueDeps,
  options: ResolveStuckSubmissionsOptions,
): Promise<StuckSubmissionCounts> {
  const unknown = await requeueSubmissions(
    deps,
    { state: 'UNKNOWN', olderThanMs: options.unknownAfterMs, reason: 'sweep.unknown' },
    options,
  );
  const submitting = await requeueSubmissions(
    deps,
    { state: 'SUBMITTING', olderThanMs: options.submittingLeaseMs, reason: 'sweep.submitting_stalled' },
    options,
  );
  return { unknown, submitting };
}
