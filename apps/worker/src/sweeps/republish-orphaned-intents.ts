import {
  requeueSubmissions,
  type RequeueCounts,
  type RequeueDeps,
  type RequeueLimits,
} from './requeue-submissions.js';

export interface RepublishOrphanedIntentsOptions extends RequeueLimits {
  /**
   * How long a PENDING intent may wait before its job is looked for: longer than the relay takes
   * to publish a new intent (sub-second, seconds while Redis is away), so a sweep never races the
   * normal path.
   */
  graceMs: number;
}

/**
 * PENDING intents whose submit job is gone (Redis lost its data, or the job finished while the
 * intent still waits) get a new outbox row for their current generation, and so a new job. See
 * `requeueSubmissions` for what "gone" means and why several sweeps never double one.
 */
export function republishOrphanedIntents(
  deps: RequeueDeps,
  options: RepublishOrphanedIntentsOptions,
): Promise<RequeueCounts> {
  return requeueSubmissions(
    deps,
    { state: 'PENDING', olderThanMs: options.graceMs, reason: 'sweep.orphaned' },
    options,
  );
}
