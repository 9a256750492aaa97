import { expect, test } from '@vexora-checkout/testing';
import { clearFinishedJobs } from './clear-finished-jobs.js';

test('a job hash left behind without any state (Redis lost its data mid-job) is removed, so the id can be added again', async ({
  bullmq,
  createRedis,
}) => {
  const queue = bullmq.createQueue('ghosts');
  const redis = createRedis();
  // What a worker's late write leaves after the keys were wiped: the hash, in no list.
  await redis.hset(`${bullmq.prefix}:ghosts:ghost-1`, 'attemptsMade', '1');
  expect(await queue.getJobState('ghost-1')).toBe('unknown');
  await queue.add('job', {}, { jobId: 'ghost-1' });
  expect(await queue.getJobState('ghost-1')).toBe('unknown'); // BullMQ swallowed the add

  const { states, stillThere } = await clearFinishedJobs(queue, ['ghost-1', 'never-existed'], {
    timeoutMs: 5_000,
    what: 'test jobs',
  });

  expect(states).toEqual(['unknown', 'unknown']);
  expect(stillThere.size).toBe(0);
  expect(await redis.exists(`${bullmq.prefix}:ghosts:ghost-1`)).toBe(0);
  await queue.add('job', {}, { jobId: 'ghost-1' });
  expect(await queue.getJobState('ghost-1')).toBe('waiting');
  await queue.close();
  await redis.quit();
});
