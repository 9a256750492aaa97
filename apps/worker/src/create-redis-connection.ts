import { Redis } from 'ioredis';

/**
 * A Redis connection fit for BullMQ: workers issue blocking commands, which BullMQ requires to
 * retry forever (maxRetriesPerRequest null) rather than fail after a reconnect.
 */
export function createRedisConnection(redisUrl: string, connectionName: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName, lazyConnect: false });
}
