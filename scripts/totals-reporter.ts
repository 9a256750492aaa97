// A silent vitest reporter: writes the run's totals to .test-results/<name>.json for .ci/run,
// which prints them as the one line CI reads. Silent, so vitest's own summary stays the last
// thing `npm test` prints. Unhandled errors count as failures: they can hide broken tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

export interface RunTotals {
  passed: number;
  failed: number;
  skipped: number;
  unhandledErrors: number;
  reason: string;
}

export default class TotalsReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: string,
  ): void {
    const totals: RunTotals = {
      passed: 0,
      failed: 0,
      skipped: 0,
      unhandledErrors: unhandledErrors.length,
      reason,
    };
    for (const module of testModules) {
      let failedTests = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') totals.passed += 1;
        else if (state === 'failed') failedTests += 1;
        else totals.skipped += 1;
      }
      // A file can fail outside its tests (it did not load, a hook or the leak check failed).
      totals.failed += module.state() === 'failed' && failedTests === 0 ? 1 : failedTests;
    }
    const dir = join(process.cwd(), '.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${process.env.VITEST_TOTALS_NAME ?? 'vitest'}.json`),
      `${JSON.stringify(totals)}\n`,
    );
  }
}
