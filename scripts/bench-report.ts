// The figures of `npm run bench` and the markdown written from them: each benchmark script writes
// its results as JSON (when BENCH_RESULT_FILE names a file), scripts/bench.ts gathers them with
// the reference measurements and the machine's facts, and renders the generated blocks of
// docs/benchmarks.md and README.md. Pure functions, except the two writers (writeBenchResult,
// writeGeneratedBlock).
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export const BEGIN_MARKER = '<!-- bench:begin -->';
export const END_MARKER = '<!-- bench:end -->';

/** Milliseconds; NaN when the figure does not exist (e.g. no p90 of batch latency). */
export interface LatencyFigures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One line of a benchmark's table. */
export interface BenchRow {
  scenario: string;
  /** Work done per second, in `unit`. */
  throughput: number;
  unit: string;
  latency?: LatencyFigures | undefined;
  /** Who used the CPU, in % of one core (200 is both cores of a 2-core machine). */
  cpu?: CpuFigures | undefined;
  note?: string | undefined;
}

export interface CpuFigures {
  /** Named consumers (the app under test first), % of one core each. */
  shares: Record<string, number>;
  /** The whole machine busy, % of one core. */
  machine: number;
  /** The consumer whose CPU time per unit of work is reported (e.g. "api"), that time, and the unit. */
  perUnit?: { consumer: string; ms: number; per: string } | undefined;
}

export interface BenchTarget {
  target: string;
  measured: string;
  /** undefined: not run. */
  met: boolean | undefined;
}

export type BenchName = 'api' | 'pipeline' | 'webhook' | 'references';

export interface BenchResult {
  benchmark: BenchName;
  /** The settings the run used, one short line ("rates 100, 300, 600/s for 15 s each; …"). */
  settings: string;
  rows: BenchRow[];
  targets: BenchTarget[];
  /** Named figures the ratios are taken from (see RATIOS). */
  figures: Record<string, number>;
  /** Lines worth reading next to the figures (warnings the apps logged, a busy machine…). */
  notes: string[];
}

/** Writes the result where BENCH_RESULT_FILE says (set by scripts/bench.ts); nothing otherwise. */
export function writeBenchResult(result: BenchResult): void {
  const file = process.env.BENCH_RESULT_FILE;
  if (file) writeFileSync(file, JSON.stringify(result, null, 2));
}

export interface MachineFacts {
  /** "2026-11-26 18:55-19:03 UTC". */
  when: string;
  cpuModel: string;
  vcpus: number;
  ramGiB: number;
  os: string;
  kernel: string;
  versions: Record<string, string>;
  postgresSettings: Record<string, string>;
  loadAverageBefore: string;
  loadAverageAfter: string;
  /** How the run was made, e.g. "full" or "--quick". */
  mode: string;
}

export interface BenchReport {
  machine: MachineFacts;
  results: Partial<Record<BenchName, BenchResult>>;
}

// ---------------------------------------------------------------------------------------------
// Ratios of the apps to the references

export interface RatioSpec {
  label: string;
  numerator: { benchmark: BenchName; figure: string; text: string };
  denominator: { benchmark: BenchName; figure: string; text: string };
}

export const RATIOS: readonly RatioSpec[] = [
  {
    label: 'API single creates ÷ pgbench checkout transactions',
    numerator: { benchmark: 'api', figure: 'singleCreatesPerSecond', text: 'creates/s, closed loop' },
    denominator: {
      benchmark: 'references',
      figure: 'checkoutTransactionsPerSecond',
      text: 'transactions/s (intent + outbox + history)',
    },
  },
  {
    label: 'API batch ingest ÷ pgbench batch rows',
    numerator: { benchmark: 'api', figure: 'batchIntentsPerSecond', text: 'intents/s, best concurrency' },
    denominator: { benchmark: 'references', figure: 'batchIntentsPerSecond', text: 'intents/s in batches' },
  },
  {
    label: 'pipeline checkouts ÷ bare BullMQ no-op jobs',
    numerator: { benchmark: 'pipeline', figure: 'checkoutsPerSecond', text: 'checkouts/s end to end' },
    denominator: { benchmark: 'pipeline', figure: 'noopJobsPerSecond', text: 'no-op jobs processed/s' },
  },
  {
    label: 'webhook notifications ÷ pgbench single-row inserts',
    numerator: {
      benchmark: 'webhook',
      figure: 'notificationsPerSecond',
      text: 'notifications/s, closed loop',
    },
    denominator: { benchmark: 'references', figure: 'singleInsertsPerSecond', text: 'inserts/s' },
  },
];

export interface Ratio {
  label: string;
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator; undefined when either side was not measured or the divisor is 0. */
  value: number | undefined;
  numeratorText: string;
  denominatorText: string;
}

const usable = (value: number | undefined): value is number => value !== undefined && Number.isFinite(value);

export function computeRatios(report: BenchReport, specs: readonly RatioSpec[] = RATIOS): Ratio[] {
  return specs.map((spec) => {
    const numerator = report.results[spec.numerator.benchmark]?.figures[spec.numerator.figure];
    const denominator = report.results[spec.denominator.benchmark]?.figures[spec.denominator.figure];
    const value =
      usable(numerator) && usable(denominator) && denominator > 0 ? numerator / denominator : undefined;
    return {
      label: spec.label,
      numerator: numerator ?? Number.NaN,
      denominator: denominator ?? Number.NaN,
      value,
      numeratorText: spec.numerator.text,
      denominatorText: spec.denominator.text,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A whole number with thousands separators, "–" when not measured. */
export const whole = (value: number | undefined): string =>
  usable(value) ? Math.round(value).toLocaleString('en-US') : '–';

/** Milliseconds: one decimal below 100, whole above; "–" when not measured. */
export const millis = (value: number | undefined): string =>
  usable(value) ? (Math.abs(value) < 100 ? value.toFixed(1) : whole(value)) : '–';

/** A ratio with two significant decimals ("0.42", "1.3", "12"). */
export const ratioText = (value: number | undefined): string =>
  !usable(value) ? '–' : value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);

/** A markdown table; `|` in cells is escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** CPU time: µs below 0.1 ms, else ms with two decimals. */
export const cpuTime = (ms: number): string =>
  ms < 0.1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;

function cpuText(cpu: CpuFigures | undefined, vcpus: number): string {
  if (!cpu) return '–';
  const shares = Object.entries(cpu.shares)
    .filter(([, share]) => usable(share))
    .map(([name, share]) => `${name} ${share.toFixed(0)}`)
    .join(', ');
  const perUnit =
    cpu.perUnit && usable(cpu.perUnit.ms)
      ? `; ${cpu.perUnit.consumer} ${cpuTime(cpu.perUnit.ms)} per ${cpu.perUnit.per}`
      : '';
  return `${shares}; machine ${cpu.machine.toFixed(0)} of ${vcpus * 100}${perUnit}`;
}

const verdict = (met: boolean | undefined) => (met === undefined ? 'not run' : met ? 'met' : '**missed**');

const TITLES: Record<BenchName, string> = {
  api: 'API (`scripts/bench-api.ts`)',
  pipeline: 'Pipeline (`scripts/bench-pipeline.ts`)',
  webhook: 'Webhook (`scripts/bench-webhook.ts`)',
  references: 'References (`scripts/bench-references.ts`)',
};

const ORDER: readonly BenchName[] = ['api', 'pipeline', 'webhook', 'references'];

// ---------------------------------------------------------------------------------------------
// The generated blocks

/** The generated part of docs/benchmarks.md (without the markers). */
export function renderBenchmarksBlock(report: BenchReport): string {
  const { machine } = report;
  const lines: string[] = [];
  lines.push('<!-- Written by `npm run bench` (scripts/bench.ts): change the script, not this block. -->');
  lines.push('');
  lines.push('## Latest run of `npm run bench`');
  lines.push('');
  lines.push(
    `${machine.when}, ${machine.mode}. Every process and the load generators on the same machine; ` +
      'CPU in % of one core (the whole machine is ' +
      `${machine.vcpus * 100}), CPU time per unit of work is the figure to compare between runs.`,
  );
  lines.push('');
  const pgSettings = Object.entries(machine.postgresSettings)
    .map(([name, value]) => `\`${name}=${value}\``)
    .join(', ');
  lines.push(
    markdownTable(
      ['machine', ''],
      [
        ['CPU', `${machine.vcpus} vCPU, ${machine.cpuModel}`],
        ['RAM', `${machine.ramGiB} GiB`],
        ['OS, kernel', `${machine.os}, Linux ${machine.kernel}`],
        [
          'versions',
          Object.entries(machine.versions)
            .map(([name, version]) => `${name} ${version}`)
            .join(', '),
        ],
        ['PostgreSQL settings', pgSettings],
        ['load average before / after', `${machine.loadAverageBefore} / ${machine.loadAverageAfter}`],
      ],
    ),
  );

  const targets = ORDER.flatMap((name) =>
    (report.results[name]?.targets ?? []).map((target) => [
      name,
      target.target,
      target.measured,
      verdict(target.met),
    ]),
  );
  if (targets.length > 0) {
    lines.push('', '### Targets', '');
    lines.push(markdownTable(['benchmark', 'target', 'measured', 'verdict'], targets));
  }

  const ratios = computeRatios(report);
  lines.push('', '### Against the references', '');
  lines.push(
    'How much of what the bare tools do on this machine the apps achieve (1.0: as fast as the ' +
      'reference; the apps do more work per unit, so below 1 is expected):',
  );
  lines.push('');
  lines.push(
    markdownTable(
      ['ratio', 'value', 'app', 'reference'],
      ratios.map((ratio) => [
        ratio.label,
        ratioText(ratio.value),
        `${whole(ratio.numerator)} ${ratio.numeratorText}`,
        `${whole(ratio.denominator)} ${ratio.denominatorText}`,
      ]),
    ),
  );

  for (const name of ORDER) {
    const result = report.results[name];
    if (!result) continue;
    lines.push('', `### ${TITLES[name]}`, '');
    lines.push(result.settings);
    lines.push('');
    lines.push(
      markdownTable(
        ['scenario', 'throughput', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'CPU (% of one core)'],
        result.rows.map((row) => [
          row.note ? `${row.scenario} (${row.note})` : row.scenario,
          `${whole(row.throughput)} ${row.unit}`.trim(),
          millis(row.latency?.p50),
          millis(row.latency?.p90),
          millis(row.latency?.p99),
          millis(row.latency?.max),
          cpuText(row.cpu, machine.vcpus),
        ]),
      ),
    );
    if (result.notes.length > 0) {
      lines.push('');
      for (const note of result.notes) lines.push(`- ${note}`);
    }
  }
  return lines.join('\n');
}

/** The generated sentence of README.md: the headline figures and where the rest is. */
export function renderReadmeBlock(report: BenchReport): string {
  const { api, pipeline, webhook } = report.results;
  const parts: string[] = [];
  const f = (result: BenchResult | undefined, figure: string) => result?.figures[figure];
  if (api) {
    parts.push(
      `single creates p99 ${millis(f(api, 'singleP99AtTargetMs'))} ms at ${whole(f(api, 'singleTargetRate'))}/s ` +
        `(${whole(f(api, 'singleCreatesPerSecond'))}/s closed loop), batch ingest ` +
        `${whole(f(api, 'batchIntentsPerSecond'))} intents/s`,
    );
  }
  if (pipeline) {
    parts.push(
      `${whole(f(pipeline, 'checkoutsPerSecond'))} checkouts/s end to end with p99 time-to-link ` +
        `${millis(f(pipeline, 'timeToLinkP99Ms'))} ms`,
    );
  }
  if (webhook) {
    parts.push(
      `${whole(f(webhook, 'atTargetPerSecond'))} notifications/s stored and acknowledged with p99 ` +
        `${millis(f(webhook, 'atTargetP99Ms'))} ms`,
    );
  }
  const met = ORDER.flatMap((name) => report.results[name]?.targets ?? []);
  const verdicts =
    met.length === 0 ? '' : ` Targets met: ${met.filter((t) => t.met === true).length} of ${met.length}.`;
  return (
    `Measured by \`npm run bench\` (${report.machine.when}, ${report.machine.vcpus} vCPU, ` +
    `everything on one machine): ${parts.join('; ')}.${verdicts} Machine, CPU shares and ratios to ` +
    'bare PostgreSQL (pgbench) and BullMQ: [docs/benchmarks.md](docs/benchmarks.md).'
  );
}

/**
 * `text` with what lies between the markers replaced by `block`; everything outside them is kept.
 * Throws when the markers are missing or out of order: the generator never guesses where to write.
 */
export function replaceBetweenMarkers(text: string, block: string): string {
  const begin = text.indexOf(BEGIN_MARKER);
  const end = text.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin || text.indexOf(BEGIN_MARKER, begin + 1) >= 0) {
    throw new Error(`expected one ${BEGIN_MARKER} … ${END_MARKER} pair`);
  }
  return `${text.slice(0, begin + BEGIN_MARKER.length)}\n\n${block.trim()}\n\n${text.slice(end)}`;
}

/**
 * Replaces the generated block of a markdown file and formats the file as `npm run lint` expects
 * (Prettier, with the configuration that applies to `configFrom`: the file itself by default).
 */
export async function writeGeneratedBlock(file: string, block: string, configFrom = file): Promise<void> {
  const prettier = await import('prettier');
  const replaced = replaceBetweenMarkers(await readFile(file, 'utf8'), block);
  const options = (await prettier.resolveConfig(configFrom)) ?? {};
  await writeFile(file, await prettier.format(replaced, { ...options, filepath: file }));
}
