import { spawn } from 'node:child_process';
import { chmod, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

// `prisma generate` is WebAssembly only, but the CLI still insists on locating (downloading) the
// native schema engine first, which fails offline. Pointing it at any executable skips that.
const STUB = `#!/bin/sh
echo "This is a stub: the native Prisma schema engine is not installed. Use npm run db:migrate / db:status / db:migration." >&2
exit 1
`;

export interface RunPrismaGenerateOptions {
  repoRoot: string;
  /** The caller's environment; PRISMA_SCHEMA_ENGINE_BINARY is only set when absent. */
  env: NodeJS.ProcessEnv;
}

/** Runs the repo's own `prisma generate` with inherited stdio. @returns its exit code. */
export async function runPrismaGenerate({ repoRoot, env }: RunPrismaGenerateOptions): Promise<number> {
  const childEnv: NodeJS.ProcessEnv = { ...env };
  if (!childEnv.PRISMA_SCHEMA_ENGINE_BINARY) {
    childEnv.PRISMA_SCHEMA_ENGINE_BINARY = await writeStub();
  }
  // No update check: the machine may be offline, and CI does not need it.
  childEnv.CHECKPOINT_DISABLE ??= '1';
  const prismaCli = require.resolve('prisma/build/index.js', { paths: [repoRoot] });
  const child = spawn(process.execPath, [prismaCli, 'generate'], {
    cwd: repoRoot,
    env: childEnv,
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      resolve(code ?? (signal === null ? 1 : 128 + (os.constants.signals[signal] ?? 0))),
    );
  });
}

async function writeStub(): Promise<string> {
  const target = path.join(os.tmpdir(), `vexora-prisma-schema-engine-stub-${os.userInfo().uid}.sh`);
  // Write then rename, so a concurrent run never executes a half-written file.
  const temporary = `${target}.${process.pid}`;
  await writeFile(temporary, STUB, { mode: 0o755 });
  await chmod(temporary, 0o755);
  await rename(temporary, target);
  return target;
}
