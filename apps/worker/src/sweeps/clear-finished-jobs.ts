import type { JobState, Queue } from 'bullmq';
import { withTimeout } from '../outbox/publish-outbox-batch.js';

export type LookedUpState = JobState | 'unknown';

/** A job still to run (or running): the sweep leaves it alone. */
const LIVE_STATES: ReadonlySet<LookedUpState> = new Set<LookedUpState>([
  'active',
  'delayed',
  'prioritized',
  'waiting',
  'waiting-children',
]);

const isLive = (state: LookedUpState | undefined): boolean => state !== undefined && LIVE_STATES.has(state);

const isFinished = (state: LookedUpState | undefined): boolean => state === 'completed' || state === 'failed';

/**
 * Looks up the jobs a sweep is about to add again and removes the finished ones first: BullMQ
 * ignores an add whose jobId is still kept as a completed or failed job, so without this the
 * re-add would be swallowed. Jobs in no state at all ('unknown') are removed too: after Redis
 * lost its data while a worker was mid-job, the worker's late writes can leave the job's hash
 * behind without the job being in any list. BullMQ reports such a ghost as 'unknown' and yet
 * ignores every add of its id, so the intent would never run again (seen in the crash-safety
 * test). Removing an id that has nothing behind it is a no-op.
 *
 * Returns each job's state as found, and the finished jobs that are still there after the
 * removal (locked by a worker that is finishing them: the caller must not count on its add).
 * Commands on one ioredis connection are pipelined: one round trip per step.
 */
export async function clearFinishedJobs(
  queue: Queue,
  jobIds: readonly string[],
  options: { timeoutMs: number; what: string },
): Promise<{ states: LookedUpState[]; stillThere: Set<string> }> {
  const states = await withTimeout(
    Promise.all(jobIds.map((jobId) => queue.getJobState(jobId))),
    options.timeoutMs,
    `looking up ${jobIds.length} ${options.what}`,
  );
  const finished = jobIds.filter((_jobId, index) => isFinished(states[index]) || states[index] === 'unknown');
  const stillThere = new Set<string>();
  if (finished.length > 0) {
    await withTimeout(
      Promise.all(finished.map((jobId) => queue.remove(jobId))),
      options.timeoutMs,
      `removing ${finished.length} finished or stray ${options.what}`,
    );
    // remove() answers 0 both for "already gone" and "locked": look again.
    const after = await withTimeout(
      Promise.all(finished.map((jobId) => queue.getJobState(jobId))),
      options.timeoutMs,
      `checking ${finished.length} removed ${options.what}`,
    );
    finished.forEach((jobId, index) => {
      if (after[index] !== 'unknown') stillThere.add(jobId);
    });
  }
  return { states, stillThere };
}

/** The tallies every requeueing sweep keeps about the jobs it looked up. */
export interface JobStateCounts {
  live: number;
  blocked: number;
  removedFinishedJobs: number;
}

/**
 * Sorts what `clearFinishedJobs` found: rows whose job is live or still there (locked) are
 * counted and left out; the others are returned, with their jobId, to be added again.
 */
export function rowsToAdd<Row>(
  rows: readonly Row[],
  jobIds: readonly string[],
  found: { states: readonly LookedUpState[]; stillThere: ReadonlySet<string> },
  counts: JobStateCounts,
): { row: Row; jobId: string }[] {
  const toAdd: { row: Row; jobId: string }[] = [];
  rows.forEach((row, index) => {
    const state = found.states[index];
    const jobId = jobIds[index] ?? '';
    if (isLive(state)) counts.live += 1;
    else if (found.stillThere.has(jobId)) counts.blocked += 1;
    else {
      if (isFinished(state)) counts.removedFinishedJobs += 1;
      toAdd.push({ row, jobId });
    }
  });
  return toAdd;
}
