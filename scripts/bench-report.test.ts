import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import {
  BEGIN_MARKER,
  END_MARKER,
  computeRatios,
  cpuTime,
  markdownTable,
  millis,
  ratioText,
  renderBenchmarksBlock,
  renderReadmeBlock,
  replaceBetweenMarkers,
  writeGeneratedBlock,
  type BenchReport,
  type BenchResult,
} from './bench-report.js';

const result = (benchmark: BenchResult['benchmark'], figures: Record<string, number>): BenchResult => ({
  benchmark,
  settings: `${benchmark} settings`,
  rows: [],
  targets: [],
  figures,
  notes: [],
});

const machine: BenchReport['machine'] = {
  when: '2026-11-26 18:55-19:02 UTC',
  cpuModel: 'Test CPU',
  vcpus: 2,
  ramGiB: 24,
  os: 'Debian GNU/Linux 12 (bookworm)',
  kernel: '6.1.0',
  versions: { Node: 'v20.20.2', PostgreSQL: '15.18' },
  postgresSettings: { fsync: 'on' },
  loadAverageBefore: '0.10 0.20 0.30',
  loadAverageAfter: '1.50 0.90 0.50',
  mode: 'the full run',
};

const fullReport = (): BenchReport => ({
  machine,
  results: {
    api: {
      ...result('api', {
        singleCreatesPerSecond: 1_000,
        batchIntentsPerSecond: 15_000,
        singleTargetRate: 300,
        singleP99AtTargetMs: 18.25,
      }),
      rows: [
        {
          scenario: 'create @ 300/s, paced',
          throughput: 299.6,
          unit: 'ok/s',
          latency: { p50: 2.2, p90: 3.5, p99: 18.25, max: 140 },
          cpu: {
            shares: { api: 33, postgres: 20, 'other processes': 4 },
            machine: 61,
            perUnit: { consumer: 'api', ms: 1.1, per: 'request' },
          },
        },
      ],
      targets: [{ target: 'single create p99 ≤ 25 ms at 300/s', measured: 'p99 18.3 ms', met: true }],
    },
    pipeline: {
      ...result('pipeline', { checkoutsPerSecond: 1_000, noopJobsPerSecond: 20_000, timeToLinkP99Ms: 522 }),
      targets: [{ target: 'p99 time-to-link ≤ 1,000 ms', measured: 'p99 1,200 ms', met: false }],
    },
    webhook: result('webhook', {
      notificationsPerSecond: 2_500,
      atTargetPerSecond: 1_999,
      atTargetP99Ms: 29.4,
    }),
    references: result('references', {
      checkoutTransactionsPerSecond: 4_000,
      batchIntentsPerSecond: 30_000,
      singleInsertsPerSecond: 0,
    }),
  },
});

describe('computeRatios', () => {
  it('divides each app figure by its reference', () => {
    const ratios = computeRatios(fullReport());
    expect(ratios.map((ratio) => ratio.value)).toEqual([0.25, 0.5, 0.05, undefined]);
    expect(ratios[0]).toMatchObject({ numerator: 1_000, denominator: 4_000 });
  });

  it('gives no value when a side was not measured or the reference is zero', () => {
    const report = fullReport();
    delete report.results.references;
    const [single, batch, pipeline, webhook] = computeRatios(report);
    expect(single?.value).toBeUndefined();
    expect(Number.isNaN(single?.denominator)).toBe(true);
    expect(batch?.value).toBeUndefined();
    expect(pipeline?.value).toBe(0.05);
    expect(webhook?.value).toBeUndefined();
  });

  it('ignores figures that are not finite', () => {
    const report = fullReport();
    report.results.pipeline = result('pipeline', {
      checkoutsPerSecond: 1_000,
      noopJobsPerSecond: Number.NaN,
    });
    expect(computeRatios(report)[2]?.value).toBeUndefined();
  });
});

describe('number formatting', () => {
  it('formats ratios, milliseconds and CPU time for the tables', () => {
    expect([ratioText(0.254), ratioText(1.26), ratioText(12.6), ratioText(undefined)]).toEqual([
      '0.25',
      '1.3',
      '13',
      '–',
    ]);
    expect([millis(18.25), millis(1234.4), millis(Number.NaN)]).toEqual(['18.3', '1,234', '–']);
    expect([cpuTime(0.042), cpuTime(1.234)]).toEqual(['42 µs', '1.23 ms']);
  });

  it('escapes pipes in markdown cells', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'z']])).toBe('| a | b |\n| --- | --- |\n| x\\|y | z |');
  });
});

describe('renderBenchmarksBlock', () => {
  const block = renderBenchmarksBlock(fullReport());

  it('states the machine, the versions and the settings', () => {
    expect(block).toContain('| CPU | 2 vCPU, Test CPU |');
    expect(block).toContain('| RAM | 24 GiB |');
    expect(block).toContain('Debian GNU/Linux 12 (bookworm), Linux 6.1.0');
    expect(block).toContain('Node v20.20.2, PostgreSQL 15.18');
    expect(block).toContain('`fsync=on`');
    expect(block).toContain('2026-11-26 18:55-19:02 UTC, the full run');
  });

  it('lists every target with its verdict, a missed one in bold', () => {
    expect(block).toContain('| api | single create p99 ≤ 25 ms at 300/s | p99 18.3 ms | met |');
    expect(block).toContain('| pipeline | p99 time-to-link ≤ 1,000 ms | p99 1,200 ms | **missed** |');
  });

  it('shows the ratios with both sides', () => {
    expect(block).toContain(
      '| API single creates ÷ pgbench checkout transactions | 0.25 | 1,000 creates/s, closed loop | ' +
        '4,000 transactions/s (intent + outbox + history) |',
    );
    expect(block).toContain('| webhook notifications ÷ pgbench single-row inserts | – |');
  });

  it('writes each row with its latency and CPU shares', () => {
    expect(block).toContain(
      '| create @ 300/s, paced | 300 ok/s | 2.2 | 3.5 | 18.3 | 140 | api 33, postgres 20, other processes 4; ' +
        'machine 61 of 200; api 1.10 ms per request |',
    );
  });
});

describe('renderReadmeBlock', () => {
  it('quotes the headline figures and the count of targets met', () => {
    const text = renderReadmeBlock(fullReport());
    expect(text).toContain('single creates p99 18.3 ms at 300/s (1,000/s closed loop)');
    expect(text).toContain('batch ingest 15,000 intents/s');
    expect(text).toContain('1,000 checkouts/s end to end with p99 time-to-link 522 ms');
    expect(text).toContain('1,999 notifications/s stored and acknowledged with p99 29.4 ms');
    expect(text).toContain('Targets met: 1 of 2.');
  });
});

describe('replaceBetweenMarkers', () => {
  const text = `# Title\n\nkept above\n\n${BEGIN_MARKER}\nold figures\n${END_MARKER}\n\nkept below\n`;

  it('replaces only what lies between the markers', () => {
    const replaced = replaceBetweenMarkers(text, '\nnew figures\n');
    expect(replaced).toBe(
      `# Title\n\nkept above\n\n${BEGIN_MARKER}\n\nnew figures\n\n${END_MARKER}\n\nkept below\n`,
    );
    // Writing twice gives the same file.
    expect(replaceBetweenMarkers(replaced, 'new figures')).toBe(replaced);
  });

  it('refuses a file without exactly one pair of markers, in order', () => {
    expect(() => replaceBetweenMarkers('no markers', 'x')).toThrow(/bench:begin/);
    expect(() => replaceBetweenMarkers(`${END_MARKER}\n${BEGIN_MARKER}`, 'x')).toThrow(/pair/);
    expect(() => replaceBetweenMarkers(`${BEGIN_MARKER}${BEGIN_MARKER}${END_MARKER}`, 'x')).toThrow(/pair/);
  });
});

describe('writeGeneratedBlock', () => {
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));
  const outside = (text: string) => {
    const begin = text.indexOf(BEGIN_MARKER);
    const end = text.indexOf(END_MARKER);
    return [text.slice(0, begin), text.slice(end)];
  };

  for (const [name, render] of [
    ['docs/benchmarks.md', renderBenchmarksBlock],
    ['README.md', renderReadmeBlock],
  ] as const) {
    it(`writes ${name} formatted, with everything outside the markers kept`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
      try {
        // A copy, formatted with the configuration of the original.
        const file = join(dir, 'copy.md');
        await copyFile(join(repoRoot, name), file);
        const before = await readFile(file, 'utf8');
        await writeGeneratedBlock(file, render(fullReport()), join(repoRoot, name));
        const after = await readFile(file, 'utf8');
        expect(after).toContain(render(fullReport()).split('\n')[0]);
        expect(outside(after)).toEqual(outside(before));
        const options = (await prettier.resolveConfig(join(repoRoot, name))) ?? {};
        expect(await prettier.check(after, { ...options, filepath: file })).toBe(true);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
