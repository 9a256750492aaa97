// npm test: everything CI checks, in the order that fails fastest: lint and formatting, type
// checks of every workspace and of these scripts, then the unit and integration test projects
// (which start their own PostgreSQL and Redis). The last lines are vitest's summary.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { repoRoot } from './dev-config.js';

const require = createRequire(import.meta.url);

function step(title: string, command: string, args: string[]): Promise<number> {
  console.log(`\n▶ ${title}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const node = process.execPath;
const extraArgs = process.argv.slice(2);

const steps: [string, string, string[]][] = [
  ['lint (eslint, prettier)', 'npm', ['run', '--silent', 'lint']],
  [
    'typecheck (every workspace)',
    node,
    [require.resolve('turbo/bin/turbo'), 'run', 'typecheck', '--output-logs=errors-only'],
  ],
  [
    'typecheck (root scripts and configs)',
    node,
    [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'],
  ],
  ['tests (unit + integration)', node, [`${repoRoot}/node_modules/vitest/vitest.mjs`, 'run', ...extraArgs]],
];

for (const [title, command, args] of steps) {
  const code = await step(title, command, args);
  if (code !== 0) {
    console.error(`\n✖ ${title} failed (exit ${code})`);
    process.exit(code);
  }
}
