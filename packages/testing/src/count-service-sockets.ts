import type { Socket } from 'node:net';

interface ProcessWithHandles {
  _getActiveHandles?: () => unknown[];
}

/**
 * Counts this process's open TCP connections to the given ports (the test PostgreSQL and Redis).
 * It relies on Node's internal handle list, present on Node 20 to 24; where it is missing the
 * count is undefined and the socket check is skipped rather than guessed.
 */
export function countServiceSockets(ports: ReadonlySet<number>): number | undefined {
  const list = (process as ProcessWithHandles)._getActiveHandles;
  if (typeof list !== 'function') return undefined;
  return list
    .call(process)
    .filter(
      (handle): handle is Socket =>
        typeof handle === 'object' &&
        handle !== null &&
        'remotePort' in handle &&
        !(handle as Socket).destroyed &&
        ports.has((handle as Socket).remotePort ?? -1),
    ).length;
}

/** Waits up to timeoutMs for the count to fall to `limit` (sockets close asynchronously). */
export async function waitForServiceSockets(
  ports: ReadonlySet<number>,
  limit: number,
  timeoutMs = 2_000,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = countServiceSockets(ports);
    if (count === undefined || count <= limit || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
