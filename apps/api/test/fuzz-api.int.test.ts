// Fuzzing the running api over real HTTP: thousands of generated bodies (valid checkouts,
// near-valid mutations, prototype-polluting keys, SQL-looking text, junk JSON) for
// POST /v1/checkouts and /v1/checkouts/batch. Whatever comes in: never a 5xx, every 4xx a
// problem+json, every 2xx a valid intent, and a row exists for each accepted create and for
// nothing else. FUZZ_SEED and FUZZ_RUNS replay or widen a run.
import { expect, test } from '@vexora-checkout/testing';
import fc from 'fast-check';
import {
  checkoutBatchResponseSchema,
  checkoutIntentSchema,
  problemSchema,
} from '../src/openapi/api-response-schemas.js';
import { batchBody, createBody, type FuzzBody } from './hostile-arbitraries.js';
import { startTestApi, type TestApi } from './start-test-api.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** Requests in flight at once: enough to keep the api busy without starving the other test files. */
const CONCURRENCY = 16;
/** Put back the inputs that make the api answer 500 today (see hostile-arbitraries.ts). */

type Body = FuzzBody;

async function inParallel<T>(items: readonly T[], run: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await run(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

function send(api: TestApi, path: string, key: string, body: Body, idempotencyKey?: string) {
  return api.request(path, {
    key,
    idempotencyKey,
    body: 'text' in body ? body.text : body.json === undefined ? 'null' : body.json,
  });
}

/** A failing body, short enough for an assertion message. */
const describe = (body: Body): string =>
  ('text' in body ? body.text : (JSON.stringify(body.json) ?? 'undefined')).slice(0, 300);

/** What every 4xx must look like; returns a description of the violation, or undefined. */
function problemViolation(status: number, headers: Headers, body: unknown): string | undefined {
  if (!headers.get('content-type')?.startsWith('application/problem+json')) {
    return `${status} with content-type ${headers.get('content-type')}`;
  }
  const parsed = problemSchema.safeParse(body);
  if (!parsed.success) return `${status} with a body that is no problem: ${parsed.error.message}`;
  if (parsed.data.status !== status) return `${status} with a problem saying ${parsed.data.status}`;
  return undefined;
}

test(
  `${RUNS} generated bodies to POST /v1/checkouts and /v1/checkouts/batch: no 5xx, problems for 4xx, a row for each create only`,
  { timeout: 240_000 },
  async ({ databaseUrl }) => {
    const api = await startTestApi(databaseUrl);
    try {
      const { key, clientId } = await api.newClient();
      const violations: string[] = [];
      const statuses = new Map<number, number>();
      let created = 0;

      const singles = fc.sample(createBody(), { numRuns: RUNS, seed: SEED });
      await inParallel(singles, async (body, index) => {
        const response = await send(api, '/v1/checkouts', key, body, `fuzz-${SEED}-${index}`);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          violations.push(`single #${index}: ${response.status} for ${describe(body)}`);
        else if (response.status >= 400) {
          const problem = problemViolation(response.status, response.headers, response.body);
          if (problem) violations.push(`single #${index}: ${problem}`);
        } else if (response.status === 202) {
          created += 1;
          const parsed = checkoutIntentSchema.safeParse(response.body);
          if (!parsed.success) violations.push(`single #${index}: 202 with ${parsed.error.message}`);
        } else violations.push(`single #${index}: unexpected ${response.status}`);
      });

      // Batches carry several items each, so a tenth of the runs already adds thousands of items.
      const batches = fc.sample(batchBody(`fuzz-batch-${SEED}`), {
        numRuns: Math.ceil(RUNS / 10),
        seed: SEED + 1,
      });
      let items = 0;
      await inParallel(batches, async (body, index) => {
        if ('json' in body) {
          const list = (body.json as { items?: unknown }).items;
          if (Array.isArray(list)) items += list.length;
        }
        const response = await send(api, '/v1/checkouts/batch', key, body);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500)
          violations.push(`batch #${index}: ${response.status} for ${describe(body)}`);
        else if (response.status >= 400) {
          const problem = problemViolation(response.status, response.headers, response.body);
          if (problem) violations.push(`batch #${index}: ${problem}`);
        } else if (response.status === 200) {
          const parsed = checkoutBatchResponseSchema.safeParse(response.body);
          if (!parsed.success) violations.push(`batch #${index}: 200 with ${parsed.error.message}`);
          else created += parsed.data.summary.created;
        } else violations.push(`batch #${index}: unexpected ${response.status}`);
      });

      // For the run's log (and docs/reliability.md): how the answers were spread.
      console.info(
        `fuzz-api seed=${SEED}: ${singles.length} single bodies, ${batches.length} batches (${items} items), ` +
          `${created} created; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );
      if (violations.length > 0) {
        const errors = api.logs.filter((line) => line.level === 50 || line.level === 'error');
        console.error(JSON.stringify(errors.slice(0, 3), null, 1).slice(0, 4000));
      }
      expect(violations.slice(0, 20)).toEqual([]);
      // Enough valid input got through for the "accepted" side to be exercised too.
      expect(created).toBeGreaterThan(RUNS / 20);
      expect(await api.prisma.checkoutIntent.count({ where: { clientId } })).toBe(created);
      expect(await api.prisma.checkoutIntent.count()).toBe(created);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // Still healthy after all of it.
      expect((await api.request('/v1/checkouts?limit=1', { key })).status).toBe(200);
    } finally {
      await api.close();
    }
  },
);
