import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Workspace packages export their TypeScript sources under the "@vexora-checkout/source"
 * condition (the type checker and tsx use it too), so tests run against source without building
 * dependencies first. Vite does not apply custom conditions in every environment vitest uses
 * (the global setup's runner ignores them), so this plugin resolves them itself.
 */
function workspaceSources(): Plugin {
  const pattern = /^@vexora-checkout\/([a-z-]+)(\/[a-z-]+)?$/;
  return {
    name: 'vexora-workspace-sources',
    enforce: 'pre',
    resolveId(id) {
      const match = pattern.exec(id);
      if (!match) return null;
      const [, name = '', subpath = ''] = match;
      for (const group of ['packages', 'apps']) {
        const dir = join(repoRoot, group, name);
        if (!existsSync(join(dir, 'package.json'))) continue;
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          exports?: Record<string, Record<string, string>>;
        };
        const source = manifest.exports?.[`.${subpath}`]?.['@vexora-checkout/source'];
        return source ? join(dir, source) : null;
      }
      return null;
    },
  };
}

export default defineConfig({
  plugins: [workspaceSources()],
  test: {
    reporters: ['default', './scripts/totals-reporter.ts'],
    projects: [
      {
        plugins: [workspaceSources()],
        test: {
          name: 'unit',
          // Unit tests first: they fail fastest.
          sequence: { groupOrder: 0 },
          include: ['{apps,packages}/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          environment: 'node',
        },
      },
      {
        plugins: [workspaceSources()],
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: [
            '{apps,packages}/*/src/**/*.int.test.ts',
            '{apps,packages}/*/test/**/*.int.test.ts',
            'scripts/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          globalSetup: ['./vitest.global-setup.ts'],
          // Real servers: allow for a cold PostgreSQL and for BullMQ's blocking calls.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file has its own database; two workers keep a 2-core machine busy without thrashing.
          maxWorkers: 2,
        },
      },
    ],
  },
});
