// npm run chaos: crash every process of the checkout at random moments, restart Redis (keeping
// and losing its data) and PostgreSQL, run the sandbox gateway in fault mode, then check that
// nothing acknowledged was lost, no intent has two live gateway orders, every state matches the
// gateway's ledger, no history goes backwards and every notification is accounted for. Exits 1
// on any violation. See docs/reliability.md, "Chaos".
//
//   npm run chaos                         # 4 minutes of faults, 24 kills, 40 intents/s
//   npm run chaos -- --quick              # 45 s, 6 kills, 15 intents/s
//   npm run chaos -- --seed 7 --minutes 2 --kills 12 --rate 20 --json chaos.json
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatChaosReport } from './chaos/report.js';
import { runChaos } from './chaos/run-chaos.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string' },
    kills: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    'settle-seconds': { type: 'string' },
    'pg-outage-seconds': { type: 'string' },
    examples: { type: 'string', default: '10' },
    json: { type: 'string' },
    quick: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (args.help) {
  console.log(`npm run chaos -- [options]
  --minutes M         minutes of load and faults (default 4; --quick 0.75)
  --kills N           kill -9s of api, workers and webhook receivers (default 24; --quick 6)
  --rate N            intents created per second (default 40; --quick 15)
  --seed N            seed of the kills, the load and the sandbox's faults (default: random, printed)
  --settle-seconds S  how long the system may take to settle after the faults (default 180)
  --pg-outage-seconds S  how long PostgreSQL stays stopped in the outage (default 3)
  --examples N        violations printed per invariant (default 10)
  --json PATH         the machine-readable result (default <tmpdir>/vexora-chaos-<seed>.json)
  --quick             a short run`);
  process.exit(0);
}

function number(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got ${raw}`);
    process.exit(2);
  }
  return value;
}

const quick = args.quick ?? false;
const seed = Math.floor(number('seed', args.seed, Math.floor(Math.random() * 1_000_000)));
const log = (message: string) => console.log(`[chaos] ${message}`);

const result = await runChaos({
  seed,
  faultSeconds: Math.round(number('minutes', args.minutes, quick ? 0.75 : 4) * 60),
  kills: Math.round(number('kills', args.kills, quick ? 6 : 24)),
  rate: number('rate', args.rate, quick ? 15 : 40),
  settleSeconds: number('settle-seconds', args['settle-seconds'], 180),
  postgresOutageSeconds: number('pg-outage-seconds', args['pg-outage-seconds'], 3),
  maxExamples: Math.round(number('examples', args.examples, 10)),
  log,
});
console.log(formatChaosReport(result));
const jsonPath = args.json ?? join(tmpdir(), `vexora-chaos-${seed}.json`);
writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
log(`result written to ${jsonPath}`);
process.exit(result.ok ? 0 : 1);
