// Redis chores of the benchmark runs: removing a run's BullMQ keys, finding the server's process.
import type { Redis } from 'ioredis';
import { processTicks } from './bench-cpu.js';

/** Deletes every key under a BullMQ prefix (SCAN + UNLINK; other prefixes are left alone). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** The pid of the Redis server, when it runs on this machine (for CPU shares); else undefined. */
export async function redisServerPid(redis: Redis): Promise<number | undefined> {
  try {
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    return Number.isFinite(pid) && processTicks(pid) !== undefined ? pid : undefined;
  } catch {
    return undefined;
  }
}
