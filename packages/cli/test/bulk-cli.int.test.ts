import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from '@vexora-checkout/testing';
import { startTestApi, type TestApi } from '../../../apps/api/test/start-test-api.js';
import { readCsvFile } from '../src/read-csv-file.js';
import { runCli } from '../src/run-cli.js';

let api: TestApi;
let dir: string;
test.beforeAll(async ({ databaseUrl }) => {
  api = await startTestApi(databaseUrl);
  dir = await mkdtemp(join(tmpdir(), 'vexora-bulk-'));
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const HEADER = 'orderId,amount,currency,firstName,lastName,mobile,email';
const orderLine = (index: number) =>
  index % 2 === 0
    ? `O-${index},${(index % 9_000) + 1}.50,USD,Sok,Dara,012345678,sok${index}@example.com`
    : `O-${index},${((index % 90) + 1) * 1_000},KHR,Chan,Vanna,+855 96 123 4567,chan${index}@example.com`;

function output() {
  const text: string[] = [];
  return { text, stream: { isTTY: false, write: (chunk: string) => text.push(chunk) } };
}

/** The CLI's main function, in process, with the connection in its environment. */
async function cli(key: string, argv: string[], signal?: AbortSignal) {
  const stdout = output();
  const stderr = output();
  const code = await runCli(argv, {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { VEXORA_CHECKOUT_API_URL: api.url, VEXORA_CHECKOUT_API_KEY: key },
    ...(signal ? { signal } : {}),
  });
  return { code, stdout: stdout.text.join(''), stderr: stderr.text.join('') };
}

async function readResults(path: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  let header: string[] | undefined;
  for await (const record of readCsvFile(path)) {
    if (!header) header = record.fields;
    else rows.push(Object.fromEntries(header.map((name, index) => [name, record.fields[index] ?? ''])));
  }
  return rows;
}

describe('bulk create', () => {
  test('50,000 orders, after a crash halfway: every order once, the results file complete', async () => {
    const { key, clientId } = await api.newClient();
    const lines = Array.from({ length: 50_000 }, (_, index) => orderLine(index));
    const whole = join(dir, 'orders-50k.csv');
    const half = join(dir, 'orders-first-half.csv');
    await writeFile(whole, `${HEADER}\n${lines.join('\n')}\n`);
    await writeFile(half, `${HEADER}\n${lines.slice(0, 25_000).join('\n')}\n`);

    // The "crash": only the first half went through.
    const first = await cli(key, ['bulk', 'create', half]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('25,000 orders: 25,000 created, 0 already created (replayed), 0 failed.');
    const firstResults = await readResults(join(dir, 'orders-first-half.results.csv'));

    const rerun = await cli(key, ['bulk', 'create', whole, '--concurrency', '4', '--batch-size', '1000']);
    expect(rerun).toMatchObject({ code: 0, stderr: expect.stringContaining('orders 50,000/50,000 (100%)') });
    expect(rerun.stdout).toContain(
      '50,000 orders: 25,000 created, 25,000 already created (replayed), 0 failed.',
    );

    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(50_000);
    const results = await readResults(join(dir, 'orders-50k.results.csv'));
    expect(results).toHaveLength(50_000);
    expect(
      results.filter((row) => row.error !== '' || row.intentId === '' || row.state !== 'PENDING'),
    ).toEqual([]);
    expect(new Set(results.map((row) => row.intentId)).size).toBe(50_000);
    // Every order exactly once, on its line; the first half has the intents of the first run.
    const byOrder = new Map(results.map((row) => [row.orderId, row]));
    expect(byOrder.size).toBe(50_000);
    expect(byOrder.get('O-49999')?.line).toBe('50001');
    for (const row of firstResults) expect(byOrder.get(row.orderId ?? '')?.intentId).toBe(row.intentId);
  }, 120_000);

  test('bad rows are reported with their line and skipped; the rest is created', async () => {
    const { key, clientId } = await api.newClient();
    const file = join(dir, 'with-bad-rows.csv');
    await writeFile(
      file,
      [
        `${HEADER},merchantReference,remark`,
        'A-1,12.50,USD,Sok,Dara,012345678,sok@example.com,,',
        'A-2,1.234,USD,Sok,Dara,012345678,sok@example.com,,',
        ',5.00,USD,Sok,Dara,012345678,sok@example.com,,',
        '"A-4"x,5.00,USD,Sok,Dara,012345678,sok@example.com,,',
        'A-5,5.00,USD',
        'A-6,7.00,USD,Sok,Dara,012345678,sok@example.com,A-1,',
        'A-7,4000,KHR,Sok,"Dara, Jr",012345678,sok@example.com,,"a remark',
        'on two lines"',
        'A-8,1.00,EUR,Sok,Dara,012345678,not-an-email,,',
      ].join('\r\n'),
    );
    const run = await cli(key, [
      'bulk',
      'create',
      file,
      '--results',
      join(dir, 'bad.results.csv'),
      '--batch-size',
      '2',
      // One batch at a time, so that A-1 (line 2) takes the reference before A-6 (line 7) asks
      // for it: with batches in parallel either could win on a loaded machine.
      '--concurrency',
      '1',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('8 orders: 2 created, 0 already created (replayed), 6 failed.');
    for (const expected of [
      'line 3 (order A-2): amount: must have at most 2 decimal places for USD (got "1.234")',
      'line 4: orderId: is required',
      'line 5: unexpected character "x" after a closing quote',
      'line 6: has 3 fields where the header has 9',
      'line 7 (order A-6): merchant_reference_conflict:',
      'line 10 (order A-8): currency: must be "KHR" or "USD"',
    ]) {
      expect(run.stderr).toContain(expected);
    }

    const results = await readResults(join(dir, 'bad.results.csv'));
    const byLine = new Map(results.map((row) => [row.line, row]));
    // In the order of the input file, one row per order.
    expect(results.map((row) => row.line)).toEqual(['2', '3', '4', '5', '6', '7', '8', '10']);
    expect(byLine.get('8')).toMatchObject({ orderId: 'A-7', state: 'PENDING', error: '' });
    // The conflict names the intent that holds the reference.
    expect(byLine.get('7')?.intentId).toBe(byLine.get('2')?.intentId);
    const intents = await api.prisma.checkoutIntent.findMany({
      where: { clientId },
      orderBy: { merchantReference: 'asc' },
    });
    expect(intents.map((intent) => [intent.merchantReference, intent.remark])).toEqual([
      ['A-1', null],
      ['A-7', 'a remark\r\non two lines'],
    ]);
  });

  test('Ctrl-C stops the run cleanly; running the same command again completes it without duplicates', async () => {
    const { key, clientId } = await api.newClient();
    const file = join(dir, 'interrupted.ndjson');
    const order = (index: number) =>
      JSON.stringify({
        orderId: `N-${index}`,
        amount: '2.00',
        currency: 'USD',
        payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
      });
    const lines = Array.from({ length: 3_000 }, (_, index) =>
      index === 1_200 ? '{"orderId": "N-bad"' : order(index),
    );
    await writeFile(file, `${lines.join('\n')}\n`);

    // The bad row's report is the cue: stop there, as a Ctrl-C would.
    const controller = new AbortController();
    const stderr = output();
    const interrupted = await runCli(['bulk', 'create', file, '--batch-size', '250', '--concurrency', '2'], {
      stdout: output().stream,
      stderr: {
        isTTY: false,
        write: (text: string) => {
          if (text.startsWith('line 1201')) controller.abort();
          return stderr.stream.write(text);
        },
      },
      env: { VEXORA_CHECKOUT_API_URL: api.url, VEXORA_CHECKOUT_API_KEY: key },
      signal: controller.signal,
    });
    expect(interrupted).toBe(3);
    expect(stderr.text.join('')).toContain(
      'bulk create stopped early: interrupted before the end of the file',
    );
    const partial = await readResults(join(dir, 'interrupted.results.csv'));
    const createdBefore = await api.prisma.checkoutIntent.count({ where: { clientId } });
    expect(createdBefore).toBeGreaterThan(0);
    expect(createdBefore).toBeLessThan(2_999);
    expect(partial.length).toBeLessThan(3_000);

    const rerun = await cli(key, ['bulk', 'create', file]);
    expect(rerun.code).toBe(1);
    expect(rerun.stdout).toContain(
      `3,000 orders: ${(2_999 - createdBefore).toLocaleString('en-US')} created, ${createdBefore.toLocaleString('en-US')} already created (replayed), 1 failed.`,
    );
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(2_999);
    const results = await readResults(join(dir, 'interrupted.results.csv'));
    expect(results).toHaveLength(3_000);
    expect(results.filter((row) => row.error !== '')).toEqual([
      { orderId: '', intentId: '', tradeNo: '', state: '', error: 'is not valid JSON', line: '1201' },
    ]);
  });

  test('a refused key, a bad header or an unwritable results file: exit 2, nothing sent', async () => {
    const file = join(dir, 'small.csv');
    await writeFile(file, `${HEADER}\n${orderLine(1)}\n`);
    const refused = await cli('vxk_not_a_key', ['bulk', 'create', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the API refused the key');

    const { key, clientId } = await api.newClient();
    const typo = join(dir, 'typo.csv');
    await writeFile(typo, `orderId,amout\nX-1,1.00\n`);
    const bad = await cli(key, ['bulk', 'create', typo]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown column(s) "amout"') });
    const unwritable = await cli(key, [
      'bulk',
      'create',
      file,
      '--results',
      join(dir, 'missing-dir', 'r.csv'),
    ]);
    expect(unwritable).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot write') });
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(0);
  });
});

describe('bulk status', () => {
  test('refreshes the state column and counts the rows by state', async () => {
    const { key } = await api.newClient();
    const file = join(dir, 'status.csv');
    await writeFile(file, `${HEADER}\n${[1, 2, 3].map(orderLine).join('\n')}\nS-bad,1,USD,,,,\n`);
    const created = await cli(key, ['bulk', 'create', file]);
    expect(created.code).toBe(1);
    const resultsPath = join(dir, 'status.results.csv');
    const before = await readResults(resultsPath);
    const paid = before.find((row) => row.orderId === 'O-2');
    await api.prisma.checkoutIntent.update({
      where: { id: paid?.intentId ?? '' },
      data: { state: 'AWAITING_PAYMENT' },
    });

    const status = await cli(key, ['bulk', 'status', resultsPath, '--concurrency', '2']);
    expect(status.code).toBe(1);
    expect(status.stdout).toBe(
      ['PENDING           2', 'AWAITING_PAYMENT  1', '(no intent)       1', 'total             4', ''].join(
        '\n',
      ),
    );
    const after = await readResults(resultsPath);
    expect(after.map((row) => [row.orderId, row.state])).toEqual([
      ['O-1', 'PENDING'],
      ['O-2', 'AWAITING_PAYMENT'],
      ['O-3', 'PENDING'],
      ['S-bad', ''],
    ]);
    expect(after.map((row) => row.intentId)).toEqual(before.map((row) => row.intentId));
  });
});

describe('the vexora-checkout bin', () => {
  test('runs from the sources (no build) as a child process: create, then status', async () => {
    const { key, clientId } = await api.newClient();
    const file = join(dir, 'bin.ndjson');
    await writeFile(
      file,
      `${JSON.stringify({ orderId: 'B-1', amount: '3.00', currency: 'USD', firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 's@example.com' })}\n`,
    );
    const bin = fileURLToPath(new URL('../bin/vexora-checkout.js', import.meta.url));
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, ...args], {
          env: { ...process.env, VEXORA_CHECKOUT_API_URL: api.url, VEXORA_CHECKOUT_API_KEY: key },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const created = await run(['bulk', 'create', file]);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('1 order: 1 created') });
    const status = await run(['bulk', 'status', join(dir, 'bin.results.csv')]);
    expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('PENDING  1') });
    expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(1);
    expect(await readFile(join(dir, 'bin.results.csv'), 'utf8')).toMatch(
      /^orderId,intentId,tradeNo,state,error,line\nB-1,/,
    );
  }, 60_000);
});
