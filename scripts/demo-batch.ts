// The demo of `npm start`: a batch of checkouts sent through the public API with the typed
// client, a live progress line read from the database, and a summary once every intent is final
// (or a minute has passed). The sandbox settles the orders by itself (see demoSandboxScenario).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createVexoraCheckoutClient,
  MAX_BATCH_ITEMS,
  type CreateCheckoutInput,
} from '@vexora-checkout/client';
import { createPrismaClient, type PrismaClient } from '@vexora-checkout/db';
import { int, table } from './bench-support.js';
import type { StatusLine } from './status-line.js';

export interface DemoBatchOptions {
  count: number;
  apiUrl: string;
  apiKey: string;
  /** The demo key's client: every intent of this client belongs to this run. */
  clientId: string;
  databaseUrl: string;
  status: StatusLine;
  /** Aborted by Ctrl-C: the demo stops where it is. */
  signal: AbortSignal;
}

/** States no gateway answer moves an intent out of (EXPIRED only a late payment, as an exception). */
const FINAL_STATES = ['PAID', 'PARTIALLY_PAID', 'FAILED', 'REJECTED', 'SUBMIT_FAILED', 'EXPIRED'];
const WAIT_FOR_FINAL_MS = 60_000;
const POLL_MS = 500;

/** A checkout of the demo: two in three in USD, the others in KHR (whole riel). */
function demoCheckout(n: number, reference: string): CreateCheckoutInput {
  const usd = n % 3 !== 0;
  return {
    amount: usd ? `${(n % 90) + 1}.${String(n % 100).padStart(2, '0')}` : String(((n % 50) + 1) * 1_000),
    currency: usd ? 'USD' : 'KHR',
    merchantReference: reference,
    payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
  };
}

type StateCounts = Record<string, number>;

async function countStates(prisma: PrismaClient, clientId: string): Promise<StateCounts> {
  const rows = await prisma.$queryRawUnsafe<{ state: string; n: number }[]>(
    `SELECT state::text, count(*)::int AS n FROM checkout_intent WHERE client_id = $1 GROUP BY state`,
    clientId,
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.n]));
}

const total = (counts: StateCounts, states?: readonly string[]) =>
  Object.entries(counts)
    .filter(([state]) => !states || states.includes(state))
    .reduce((sum, [, n]) => sum + n, 0);

function progressText(counts: StateCounts, seconds: number): string {
  const inFlight = total(counts, ['PENDING', 'SUBMITTING', 'UNKNOWN']);
  return (
    `[demo] ${int(total(counts))} created · ${int(inFlight)} linking · ` +
    `${int(counts.AWAITING_PAYMENT ?? 0)} awaiting payment · ${int(counts.PAID ?? 0)} paid · ` +
    `${int(counts.PARTIALLY_PAID ?? 0)} partial · ${int(counts.FAILED ?? 0)} failed · ${seconds.toFixed(0)} s`
  );
}

interface LinkFigures {
  linked: number;
  spanS: number;
  p50: number | null;
  p99: number | null;
}

/** Time-to-link: the intent's creation → its AWAITING_PAYMENT status_history row. */
async function readLinkFigures(prisma: PrismaClient, clientId: string): Promise<LinkFigures> {
  const [row] = await prisma.$queryRawUnsafe<LinkFigures[]>(
    `WITH l AS (
       SELECT i.created_at, h.created_at AS linked_at,
              extract(epoch FROM (h.created_at - i.created_at)) * 1000 AS ms
       FROM checkout_intent i
       JOIN status_history h ON h.intent_id = i.id AND h.to_state = 'AWAITING_PAYMENT'
       WHERE i.client_id = $1)
     SELECT count(*)::int AS linked,
            coalesce(extract(epoch FROM (max(linked_at) - min(created_at))), 0)::float8 AS "spanS",
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99
     FROM l`,
    clientId,
  );
  return row ?? { linked: 0, spanS: 0, p50: null, p99: null };
}

async function countOpenExceptions(prisma: PrismaClient, clientId: string): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n
     FROM reconciliation_exception e JOIN checkout_intent i ON i.id = e.intent_id
     WHERE i.client_id = $1 AND e.resolved_at IS NULL`,
    clientId,
  );
  return row?.n ?? 0;
}

/** Sends the batch, shows progress until every intent is final (or a minute), prints a summary. */
export async function runDemoBatch(options: DemoBatchOptions): Promise<void> {
  const { clientId, status, signal } = options;
  const say = (message: string) => status.print(`[demo] ${message}`);
  const client = createVexoraCheckoutClient({ baseUrl: options.apiUrl, apiKey: options.apiKey });
  const prisma = createPrismaClient({
    databaseUrl: options.databaseUrl,
    poolSize: 2,
    applicationName: 'vexora-demo',
  });
  const startedAt = Date.now();
  let counts: StateCounts = {};
  let polling = true;
  const poll = (async () => {
    while (polling && !signal.aborted) {
      try {
        counts = await countStates(prisma, clientId);
        if (!polling || signal.aborted) break;
        status.update(progressText(counts, (Date.now() - startedAt) / 1000));
      } catch {
        // A slow or restarting database: the next poll tries again.
      }
      await sleep(POLL_MS);
    }
  })();

  try {
    say(`sending ${int(options.count)} checkouts in batches of ${int(MAX_BATCH_ITEMS)} (client ${clientId})`);
    // The run's client id makes the idempotency keys (and references) unique to this run; a
    // batch retried by the client reuses them, so a retry never creates an intent twice.
    const refused: Record<string, number> = {};
    for (let first = 0; first < options.count && !signal.aborted; first += MAX_BATCH_ITEMS) {
      const items = [];
      for (let n = first; n < Math.min(options.count, first + MAX_BATCH_ITEMS); n += 1) {
        const key = `${clientId}-${n}`;
        items.push({ idempotencyKey: key, checkout: demoCheckout(n, key) });
      }
      const { summary } = await client.createCheckoutBatch(items, { signal });
      for (const [outcome, n] of Object.entries(summary)) {
        if (outcome !== 'created' && n > 0) refused[outcome] = (refused[outcome] ?? 0) + n;
      }
    }
    if (Object.keys(refused).length > 0) say(`not created: ${JSON.stringify(refused)}`);

    const deadline = startedAt + WAIT_FOR_FINAL_MS;
    while (!signal.aborted && Date.now() < deadline) {
      const created = total(counts);
      if (created > 0 && total(counts, FINAL_STATES) === created) break;
      await sleep(POLL_MS);
    }
    polling = false;
    await poll;
    if (signal.aborted) return;
    counts = await countStates(prisma, clientId);
    status.update(progressText(counts, (Date.now() - startedAt) / 1000));
    status.finish();

    const link = await readLinkFigures(prisma, clientId);
    const exceptions = await countOpenExceptions(prisma, clientId);
    const other = total(counts) - total(counts, ['AWAITING_PAYMENT', 'PAID', 'PARTIALLY_PAID', 'FAILED']);
    const ms = (value: number | null) => (value === null ? 'n/a' : `${int(value)} ms`);
    const rows = [
      ['created', int(total(counts))],
      ['awaiting payment', int(counts.AWAITING_PAYMENT ?? 0)],
      ['paid', int(counts.PAID ?? 0)],
      ['partially paid', int(counts.PARTIALLY_PAID ?? 0)],
      ['failed', int(counts.FAILED ?? 0)],
      ...(other > 0 ? [['other (linking, rejected, expired)', int(other)]] : []),
      ['open exceptions', int(exceptions)],
      ['throughput (created → linked)', link.spanS > 0 ? `${int(link.linked / link.spanS)} /s` : 'n/a'],
      ['time-to-link p50', ms(link.p50)],
      ['time-to-link p99', ms(link.p99)],
    ];
    const finished = total(counts, FINAL_STATES) === total(counts);
    say(
      finished
        ? `every intent is final after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`
        : `not every intent is final after ${WAIT_FOR_FINAL_MS / 1000} s (the others go on settling)`,
    );
    for (const line of table(['demo batch', clientId], rows).split('\n')) say(line);
  } finally {
    polling = false;
    await poll;
    status.finish();
    await prisma.$disconnect();
  }
}
