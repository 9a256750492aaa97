import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest directory, from `startDir` up, that holds `prisma/schema.prisma`. The CLI runs
 * from source (tsx) and from dist, and from any working directory.
 */
export function findRepoRoot(startDir: string): string {
  let dir = path.resolve(startDir);
  for (;;) {
    if (existsSync(path.join(dir, 'prisma', 'schema.prisma'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`No prisma/schema.prisma found in ${startDir} or any directory above it.`);
    }
    dir = parent;
  }
}
