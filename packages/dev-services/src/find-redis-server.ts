import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingBinaryError, REDIS_INSTALL_HINT } from './missing-binary-error.js';

/** Finds redis-server in an explicit directory, on PATH, or in the usual system locations. */
export function findRedisServer(
  options: { binDir?: string | undefined; path?: string | undefined; systemDirs?: readonly string[] } = {},
): string {
  const systemDirs = options.systemDirs ?? ['/usr/bin', '/usr/local/bin'];
  const dirs = [options.binDir, ...(options.path ?? '').split(delimiter), ...systemDirs];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Try the next directory.
    }
  }
  throw new MissingBinaryError('redis-server', REDIS_INSTALL_HINT);
}
