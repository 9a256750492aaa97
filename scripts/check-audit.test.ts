import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The policy of docs/operations.md, "Dependency audit", as .ci/run applies it: the checker runs
// as CI runs it, on reports shaped like those of `npm audit --json`.
const checker = fileURLToPath(new URL('../.ci/check-audit.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'check-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ADVISORY = 'https://github.com/advisories/GHSA-test-0000-0001';

function report(severity: string) {
  return {
    auditReportVersion: 2,
    vulnerabilities: {
      'body-parser': {
        name: 'body-parser',
        severity,
        via: [{ url: ADVISORY, name: 'body-parser', severity, title: 'Denial of service' }],
        fixAvailable: true,
      },
    },
    metadata: { vulnerabilities: { critical: 0, high: 0, moderate: 0, low: 0, [severity]: 1 } },
  };
}

function check(auditReport: unknown, accepted: unknown[] = []) {
  const reportPath = join(dir, `report-${Math.random().toString(36).slice(2)}.json`);
  const acceptedPath = join(dir, `accepted-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(reportPath, typeof auditReport === 'string' ? auditReport : JSON.stringify(auditReport));
  writeFileSync(acceptedPath, JSON.stringify(accepted));
  const run = spawnSync(process.execPath, [checker, reportPath, acceptedPath], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout };
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('.ci/check-audit.mjs', () => {
  it('blocks a high advisory in a production dependency', () => {
    const result = check(report('high'));
    expect(result.status).toBe(1);
    expect(result.output).toContain('audit: BLOCKED: 1 high/critical');
  });

  it('lists a moderate advisory without blocking', () => {
    const result = check(report('moderate'));
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/moderate body-parser: .*to review/);
  });

  it('lets an accepted risk pass until its review date, then blocks again', () => {
    const entry = { advisory: ADVISORY, package: 'body-parser', reason: 'not reachable' };
    expect(check(report('critical'), [{ ...entry, reviewBy: inDays(30) }]).status).toBe(0);
    const expired = check(report('critical'), [{ ...entry, reviewBy: inDays(-1) }]);
    expect(expired.status).toBe(1);
    expect(expired.output).toContain('acceptance expired');
  });

  it('says NOT CHECKED, without blocking, when the audit service answered with an error', () => {
    const result = check({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/…' });
    expect(result.status).toBe(0);
    expect(result.output).toContain('audit: NOT CHECKED');
    expect(check('').output).toContain('no audit report was produced');
  });
});
