import { Queue, type ConnectionOptions, type Job, type Processor } from 'bullmq';
import { runSweeps, type SweepDeps, type SweepReport } from './run-sweeps.js';

export const SWEEP_QUEUE = 'sweeps';
export const SWEEP_JOB = 'sweep';
/** The one job scheduler of the queue: every worker upserts the same id, so there is one. */
export const SWEEP_SCHEDULER_ID = 'sweep';

export function createSweepQueue(options: {
  connection: ConnectionOptions;
  prefix?: string;
}): Queue<Record<string, never>, SweepReport> {
  return new Queue<Record<string, never>, SweepReport>(SWEEP_QUEUE, {
    connection: options.connection,
    ...(options.prefix ? { prefix: options.prefix } : {}),
  });
}

/**
 * Creates or updates the repeatable sweep: one job every `everyMs`, whatever the number of
 * workers that call this at start (the scheduler id is fixed, so an upsert is idempotent and
 * the latest interval wins). A sweep is not retried: the next one comes soon and does the same.
 */
export async function scheduleSweeps(
  queue: Queue<Record<string, never>, SweepReport>,
  everyMs: number,
): Promise<void> {
  await queue.upsertJobScheduler(
    SWEEP_SCHEDULER_ID,
    { every: everyMs },
    {
      name: SWEEP_JOB,
      data: {},
      opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
    },
  );
}

/** The sweep job's handler; its return value (the counts) is kept on the completed job. */
export function createSweepProcessor(deps: SweepDeps): Processor<Record<string, never>, SweepReport> {
  return async (_job: Job<Record<string, never>, SweepReport>) => runSweeps(deps);
}
