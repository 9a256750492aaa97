/**
 * Checkout throughput of the sandbox gateway: starts it as its own process (as `npm start` runs
 * it), drives `POST /v1/vexora/checkout` with autocannon using correctly signed requests with
 * unique tradeNos, then checks that every answer was a "0000" by counting the orders in the
 * ledger. Not a test: it prints figures and asserts nothing about time.
 *
 *   npx tsx apps/sandbox/bench/checkout-throughput.ts [--duration 10] [--connections 50] [--warmup 2]
 *
 * On a 2-core machine the load generator competes with the sandbox for the CPU; the figure is
 * a floor of what the sandbox does alone.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const warmup = Number(args.warmup);

const MERCHANT_NO = 'SANDBOX0001';
const SECRET = 'bench-app-secret';
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const require = createRequire(import.meta.url);

const sandbox = spawn(
  process.execPath,
  ['--conditions=@vexora-checkout/source', '--import', require.resolve('tsx'), 'apps/sandbox/src/main.ts'],
  {
    cwd: repoRoot,
    // Only what the sandbox needs: none of the caller's settings leak into the measurement.
    env: {
      SANDBOX_PORT: '0',
      LOG_LEVEL: 'info',
      VEXORA_MERCHANT_NO: MERCHANT_NO,
      VEXORA_APP_SECRET: SECRET,
      VEXORA_CURRENCIES: 'USD',
      SANDBOX_MAX_ORDERS: '2000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);

try {
  const port = await new Promise<number>((resolve, reject) => {
    let pending = '';
    sandbox.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let entry: { msg?: string; port?: number } = {};
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // not a log line
        }
        if (entry.msg === 'sandbox gateway listening' && typeof entry.port === 'number') resolve(entry.port);
      }
    });
    sandbox.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before listening`)));
  });
  const url = `http://127.0.0.1:${port}`;
  let sequence = 0;
  const prefix = `B${Date.now()}`;
  const run = (seconds: number) =>
    autocannon({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          path: '/v1/vexora/checkout',
          headers: { 'content-type': 'application/json', merchantNo: MERCHANT_NO },
          // Built per request: a unique tradeNo, signed as the contract says.
          setupRequest: (request) => {
            sequence += 1;
            const body = signed(
              {
                timestamp: String(Date.now()),
                tradeNo: `${prefix}${String(sequence).padStart(9, '0')}`,
                amount: `${1 + (sequence % 500)}.25`,
                firstname: 'Sok',
                lastname: 'Dara',
                mobile: '12345678',
                email: 'sok.dara@example.com',
                channelCode: 'KHQR',
                wayCode: 'KHQR',
                notifyUrl: 'http://127.0.0.1:9/notify',
                returnUrl: 'https://merchant.example/return',
                remark: `bench-${sequence}`,
              },
              SECRET,
            );
            return { ...request, body: JSON.stringify(body) };
          },
        },
      ],
    });

  if (warmup > 0) await run(warmup);
  const ledgerBefore = await ledgerTotal(url);
  const sentBefore = sequence;
  const result = await run(duration);
  const created = (await ledgerTotal(url)) - ledgerBefore;

  const figures = {
    node: process.version,
    connections,
    durationSeconds: duration,
    requestsPerSecond: Math.round(result.requests.average),
    requestsTotal: result.requests.total,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    ordersCreated: created,
    // Every request sent in the measured run should have created its order ("0000").
    requestsNotCreated: sequence - sentBefore - created,
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  sandbox.kill('SIGTERM');
}

/**
 * The contract's signing rule, written out here rather than imported, so the script runs with
 * plain `npx tsx` (no source condition) and checks the sandbox against an independent signer:
 * non-empty fields but `sign`, sorted by name, `key=value` concatenated, the secret appended,
 * MD5, lowercase hex.
 */
function signed(fields: Record<string, string>, secret: string): Record<string, string> {
  const base = Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== '')
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('');
  return {
    ...fields,
    sign: createHash('md5')
      .update(base + secret, 'utf8')
      .digest('hex'),
  };
}

async function ledgerTotal(url: string): Promise<number> {
  const response = await fetch(`${url}/_sandbox/ledger?limit=1`);
  return ((await response.json()) as { total: number }).total;
}
