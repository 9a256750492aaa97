// Reads the JSON of `npm audit --omit=dev --json` and applies the policy of docs/operations.md,
// "Dependency audit": a high or critical advisory in a production dependency blocks, unless it is
// recorded as an accepted risk in .ci/audit-accepted.json whose review date has not passed;
// moderate and low ones are listed and do not block. When the audit service could not be reached
// (no report, or npm's error object instead of one) it says so plainly and does not block: an
// unreachable registry is not a finding.
//
//   node .ci/check-audit.mjs <audit.json> <accepted.json>      exit 0: nothing blocks, 1: blocked
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, acceptedPath] = process.argv.slice(2);
const BLOCKING = new Set(['high', 'critical']);

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

const report = readJson(reportPath);
const counts = report?.metadata?.vulnerabilities;
if (!report || report.auditReportVersion === undefined || !counts) {
  const reason = report?.message ?? report?.error?.summary ?? 'no audit report was produced';
  console.log(`audit: NOT CHECKED: could not reach the registry's audit service (${reason}); not blocking`);
  process.exit(0);
}

const accepted = acceptedPath && existsSync(acceptedPath) ? (readJson(acceptedPath) ?? []) : [];
const today = new Date().toISOString().slice(0, 10);
const acceptance = (url) => accepted.find((entry) => entry.advisory === url);

// One line per advisory (an advisory reaches a package directly or through a dependency).
const advisories = new Map();
for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
  for (const via of vulnerability.via ?? []) {
    if (typeof via !== 'object' || advisories.has(via.url)) continue;
    advisories.set(via.url, {
      url: via.url,
      name: via.name,
      severity: via.severity,
      title: via.title,
      fix: vulnerability.fixAvailable ? 'fix available' : 'no fix available',
    });
  }
}

let blocking = 0;
for (const advisory of advisories.values()) {
  const entry = acceptance(advisory.url);
  let verdict = 'to review';
  if (BLOCKING.has(advisory.severity)) {
    if (entry && entry.reviewBy >= today) verdict = `accepted until ${entry.reviewBy}: ${entry.reason}`;
    else {
      verdict = entry ? `BLOCKS (acceptance expired ${entry.reviewBy})` : 'BLOCKS';
      blocking += 1;
    }
  }
  console.log(
    `audit: ${advisory.severity} ${advisory.name}: ${advisory.title} (${advisory.url}; ${advisory.fix}): ${verdict}`,
  );
}
const summary = ['critical', 'high', 'moderate', 'low'].map((level) => `${counts[level] ?? 0} ${level}`);
console.log(
  blocking > 0
    ? `audit: BLOCKED: ${blocking} high/critical advisory(ies) in production dependencies (${summary.join(', ')})`
    : `audit: passed: nothing blocking in production dependencies (${summary.join(', ')})`,
);
process.exit(blocking > 0 ? 1 : 0);
