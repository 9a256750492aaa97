import type { Job, Worker } from 'bullmq';

/** A BullMQ worker and the jobs it holds right now, with their lock tokens. */
export interface TrackedWorker {
  readonly worker: Worker;
  activeJobs: () => Job[];
}

export interface ShutdownLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ClosedWorkers {
  /** True when the deadline passed with jobs still running. */
  forced: boolean;
  /** Jobs moved back to waiting at the deadline, for another worker to run at once. */
  handedBack: number;
}

/**
 * Follows a worker's active jobs from BullMQ's events, so that a stop can hand back the ones
 * still running at its deadline. Attach it before the worker takes its first job.
 */
export function trackActiveJobs(worker: Worker): TrackedWorker {
  const active = new Map<string, Job>();
  worker.on('active', (job) => {
    if (job.id) active.set(job.id, job);
  });
  const done = (job: Job | undefined) => {
    if (job?.id) active.delete(job.id);
  };
  worker.on('completed', done);
  worker.on('failed', done);
  return { worker, activeJobs: () => [...active.values()] };
}

/**
 * Stops the workers together: none takes a new job, the running ones may finish until
 * `deadline` (epoch ms). Past it, each job still running is moved back to waiting under its
 * own lock token (so it does not sit in `active` until its lock expires and a stalled check
 * finds it, up to lockDuration + 2 × stalledInterval later), and the caller goes on without
 * waiting for the workers. Its processor may still be mid-call: what it does next is cut off
 * when the process exits, and the job's next run finds the intent SUBMITTING inside its lease
 * and waits for the lease to end before asking the Query API (see submit-checkout.ts), so
 * nothing is sent twice.
 */
export async function closeWorkersWithin(
  workers: readonly TrackedWorker[],
  options: { deadline: number; logger: ShutdownLogger },
): Promise<ClosedWorkers> {
  const { logger } = options;
  // close() stops fetching at once (it also cuts the blocking fetch in flight), then waits for
  // the jobs in hand before it releases the worker's connections.
  const closing = Promise.all(workers.map(({ worker }) => worker.close())).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const deadlinePassed = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, options.deadline - Date.now()));
  });
  const inTime = await Promise.race([closing, deadlinePassed]);
  clearTimeout(timer);
  if (inTime) return { forced: false, handedBack: 0 };

  let handedBack = 0;
  for (const { worker, activeJobs } of workers) {
    for (const job of activeJobs()) {
      try {
        await job.moveToWait(job.token);
        handedBack += 1;
        logger.info({ queue: worker.name, jobId: job.id }, 'shutdown deadline passed; job handed back');
      } catch (error) {
        // Finished meanwhile, or the lock is already gone: the stalled check covers the rest.
        logger.warn({ err: error, queue: worker.name, jobId: job.id }, 'could not hand a job back');
      }
    }
  }
  // The closes stay pending until the cut-off processors end, which they need not: the process
  // is leaving. (BullMQ's close(true) would not help: a worker already closing ignores it.)
  return { forced: true, handedBack };
}
