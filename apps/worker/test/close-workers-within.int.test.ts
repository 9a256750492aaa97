// closeWorkersWithin on real BullMQ workers and Redis, in process: jobs that finish before the
// deadline are waited for and nothing new is taken; jobs still running at the deadline are moved
// back to waiting, without counting an attempt or a stall, for another worker to run at once.
import { describe, expect, test, waitUntil } from '@vexora-checkout/testing';
import type { Job } from 'bullmq';
import { closeWorkersWithin, trackActiveJobs } from '../src/shutdown/close-workers-within.js';
import { createRecordingLogger } from './outbox-test-support.js';

/** A processor whose jobs run until the test lets them go. */
function gatedProcessor() {
  const started: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    started,
    release: () => release(),
    processor: async (job: Job) => {
      started.push(job.name);
      await gate;
      return { kind: 'done' };
    },
  };
}

describe('closeWorkersWithin', () => {
  test('waits for the running jobs of every worker, takes no new one, and closes them', async ({
    bullmq,
  }) => {
    const logger = createRecordingLogger();
    const [first, second] = [gatedProcessor(), gatedProcessor()];
    const queueA = bullmq.createQueue('drain-a');
    const queueB = bullmq.createQueue('drain-b');
    try {
      await queueA.add('a1', {});
      await queueA.add('a2', {});
      await queueB.add('b1', {});
      const workers = [
        trackActiveJobs(bullmq.createWorker('drain-a', first.processor, { concurrency: 1 })),
        trackActiveJobs(bullmq.createWorker('drain-b', second.processor, { concurrency: 1 })),
      ];
      await waitUntil(
        () => workers.map((worker) => worker.activeJobs().length),
        (counts) => counts.every((count) => count === 1),
        { what: 'one job running on each worker' },
      );

      const closing = closeWorkersWithin(workers, { deadline: Date.now() + 30_000, logger });
      // Both stop fetching at once: close() has begun on each.
      expect(workers.every(({ worker }) => worker.closing !== undefined)).toBe(true);
      first.release();
      second.release();
      expect(await closing).toEqual({ forced: false, handedBack: 0 });

      expect(first.started).toEqual(['a1']);
      expect(await queueA.getJobCounts('completed', 'waiting', 'active')).toEqual({
        completed: 1,
        waiting: 1,
        active: 0,
      });
      expect(await queueB.getJobCounts('completed', 'active')).toEqual({ completed: 1, active: 0 });
      expect(workers.every(({ worker }) => !worker.isRunning())).toBe(true);
    } finally {
      first.release();
      second.release();
      await Promise.all([queueA.close(), queueB.close()]);
    }
  });

  test('hands back the jobs still running at the deadline; the next worker runs them', async ({ bullmq }) => {
    const logger = createRecordingLogger();
    const stuck = gatedProcessor();
    const queue = bullmq.createQueue('handback');
    try {
      const added = await Promise.all([queue.add('j1', {}), queue.add('j2', {})]);
      const tracked = trackActiveJobs(bullmq.createWorker('handback', stuck.processor, { concurrency: 2 }));
      await waitUntil(
        () => tracked.activeJobs().length,
        (count) => count === 2,
        { what: 'two jobs running' },
      );

      const closed = await closeWorkersWithin([tracked], { deadline: Date.now() + 200, logger });
      expect(closed).toEqual({ forced: true, handedBack: 2 });
      expect(await queue.getJobCounts('waiting', 'active', 'failed')).toEqual({
        waiting: 2,
        active: 0,
        failed: 0,
      });
      for (const { id } of added) {
        const job = await queue.getJob(id ?? '');
        expect(job?.attemptsMade).toBe(0);
        expect(job?.stalledCounter).toBe(0);
      }
      expect(logger.entries.filter((entry) => entry.msg.includes('handed back'))).toHaveLength(2);

      // The cut-off processors end later; their results are dropped (the worker is closed).
      stuck.release();
      const next = bullmq.createWorker('handback', () => Promise.resolve({ kind: 'rerun' }), {
        concurrency: 2,
      });
      await waitUntil(
        () => queue.getJobCounts('completed'),
        (counts) => counts.completed === 2,
        { what: 'both jobs completed by the next worker' },
      );
      const results = await Promise.all(added.map(({ id }) => queue.getJob(id ?? '')));
      expect(results.map((job) => job?.returnvalue)).toEqual([{ kind: 'rerun' }, { kind: 'rerun' }]);
      await next.close();
    } finally {
      stuck.release();
      await queue.close();
    }
  });
});
