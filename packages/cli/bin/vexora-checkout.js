#!/usr/bin/env node
// `npx vexora-checkout …`. Inside the repository it runs the TypeScript sources through tsx (a
// dev dependency of the root), so it works right after `npm ci`, with no build step, and never
// runs a stale build. Where the sources are absent (a built copy), it runs dist/main.js.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const built = new URL('../dist/main.js', import.meta.url);

function tsxLoader() {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return undefined;
  }
}

const loader = existsSync(source) ? tsxLoader() : undefined;
if (loader === undefined) {
  await import(built.href);
} else {
  // One child process: custom export conditions (our packages' sources) can only be set at start.
  const child = spawn(
    process.execPath,
    ['--conditions=@vexora-checkout/source', '--import', loader, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches the child from the terminal already (same process group): passing it on would
  // count as a second Ctrl-C, which quits at once. So SIGINT is only kept from ending this process
  // before the child; SIGTERM, sent to this process alone, is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
}
