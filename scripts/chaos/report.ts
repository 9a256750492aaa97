// The chaos run's result as text: the faults injected, the invariants with what each checked,
// and the first examples of any violation.
import { int, table } from '../bench-support.js';
import type { ChaosResult } from './run-chaos.js';

export function formatChaosReport(result: ChaosResult): string {
  const faults = table(
    ['fault injected', 'count'],
    Object.entries(result.faults).map(([kind, n]) => [kind, int(n)]),
  );
  const invariants = table(
    ['invariant checked', 'of #', 'checked', 'violations', 'result'],
    result.invariants.map((check) => [
      check.name,
      String(check.invariant),
      int(check.checked),
      int(check.violations),
      check.violations === 0 ? 'HELD' : 'VIOLATED',
    ]),
  );
  const lines = [
    `seed ${result.seed}; ${result.options.faultSeconds} s of faults at ${result.options.rate} intents/s`,
    '',
    faults,
    '',
    `client: ${int(result.client.acknowledged)} intents acknowledged, ${int(result.client.requests)} requests, ` +
      `${int(result.client.retries)} retries, ${int(result.client.gaveUp)} given up; answers ` +
      Object.entries(result.client.answers)
        .map(([status, n]) => `${status}×${int(n)}`)
        .join(' '),
    `intents: ${Object.entries(result.intentsByState)
      .map(([state, n]) => `${state} ${int(n)}`)
      .join(', ')}`,
    `ledger: ${int(result.ledger.orders)} orders (${Object.entries(result.ledger.byStatus)
      .map(([status, n]) => `${status} ${int(n)}`)
      .join(', ')})`,
    `exceptions: ${
      Object.entries(result.exceptionsByKind)
        .map(([kind, n]) => `${kind} ${int(n)}`)
        .join(', ') || 'none'
    }`,
    `settled in ${result.settleSeconds} s after the faults stopped`,
    `exited on their own (restarted by the harness): ${
      Object.entries(result.crashes)
        .map(([name, crashes]) => `${name} ×${crashes.length}`)
        .join(', ') || 'none'
    }`,
    '',
    invariants,
  ];
  for (const check of result.invariants.filter((entry) => entry.violations > 0)) {
    lines.push('', `VIOLATED (invariant ${check.invariant}): ${check.name}`);
    for (const example of check.examples) lines.push(`  - ${example}`);
  }
  if (result.client.unexpected.length > 0) {
    lines.push('', 'unexpected answers to valid creates:');
    for (const example of result.client.unexpected) lines.push(`  - ${example}`);
  }
  lines.push('', result.ok ? 'chaos: every invariant held' : 'chaos: FAILED');
  return lines.join('\n');
}
