import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under this condition, so tests (like the
// type checker) run against source without building dependencies first.
const sourceCondition = '@vexora-checkout/source';

const shared = {
  resolve: { conditions: [sourceCondition, 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: [sourceCondition, 'import', 'module', 'node', 'default'] } },
};

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        ...shared,
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
          environment: 'node',
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts', '{apps,packages}/*/test/**/*.int.test.ts'],
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
