// The reduced chaos run of `npm test`: the same harness as `npm run chaos` (scripts/chaos/), with
// fewer intents, one kill of each process kind, both Redis restarts, one PostgreSQL restart and a 3 s PostgreSQL outage.
// It fails, printing the report, when any invariant is violated. A fixed seed keeps a failure
// reproducible with `npm run chaos -- --seed 20261126 --minutes 0.5 --kills 5 --rate 10`.
import { expect, test } from 'vitest';
import { formatChaosReport } from './chaos/report.js';
import { runChaos } from './chaos/run-chaos.js';

test('chaos: kill -9 of every process kind, Redis and PostgreSQL restarts, a PostgreSQL outage; every invariant holds', async () => {
  const log: string[] = [];
  const result = await runChaos({
    seed: 20261126,
    faultSeconds: 30,
    kills: 5,
    rate: 10,
    settleSeconds: 120,
    postgresOutageSeconds: 3,
    maxExamples: 5,
    log: (message) => log.push(message),
  });
  const report = `${log.join('\n')}\n${formatChaosReport(result)}`;
  for (const kind of Object.keys(result.faults) as (keyof typeof result.faults)[]) {
    expect(result.faults[kind], `${kind} was injected\n${report}`).toBeGreaterThan(0);
  }
  expect(result.client.acknowledged, report).toBeGreaterThan(100);
  expect(
    result.invariants.filter((check) => check.violations > 0).map((check) => check.name),
    report,
  ).toEqual([]);
  expect(result.client.unexpected, report).toEqual([]);
  expect(result.ok, report).toBe(true);
}, 300_000);
