// Sums the totals files written by scripts/totals-reporter.ts into the one line CI reads:
// "totals: N passed, N failed, N skipped". A missing file (its run never got to the tests)
// and every unhandled error count as failures, so a broken step can never look green.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.log(`${file}: missing, counted as one failure`);
    failed += 1;
    continue;
  }
  const run = JSON.parse(readFileSync(file, 'utf8'));
  passed += run.passed;
  failed += run.failed + run.unhandledErrors;
  skipped += run.skipped;
  console.log(`${file}: ${run.passed} passed, ${run.failed} failed, ${run.unhandledErrors} unhandled errors`);
}
console.log(`totals: ${passed} passed, ${failed} failed, ${skipped} skipped`);
