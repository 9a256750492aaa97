// The order system of a chaos run: creates intents through the api, single and in batches, each
// with its idempotency key, retrying through errors, timeouts and api restarts with the same key,
// and remembers every intent the api acknowledged (202 or a batch item created or replayed).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from './random.js';

export interface ClientTally {
  /** Intent ids the api acknowledged. */
  acknowledged: Set<string>;
  requests: number;
  /** Requests sent again (same keys) after an error, a timeout or a retryable answer. */
  retries: number;
  /** Answers by kind: HTTP status, or "network" for no answer. */
  answers: Map<string, number>;
  /** Items given up after the retry budget (never acknowledged; not an invariant violation). */
  gaveUp: number;
  /** Answers that should never happen to a valid request (4xx other than 409 in flight). */
  unexpected: string[];
}

export function newClientTally(): ClientTally {
  return { acknowledged: new Set(), requests: 0, retries: 0, answers: new Map(), gaveUp: 0, unexpected: [] };
}

interface Item {
  idempotencyKey: string;
  checkout: Record<string, unknown>;
}

function item(prefix: string, n: number): Item {
  const reference = `${prefix}-${n}`;
  const usd = n % 3 !== 0;
  return {
    idempotencyKey: reference,
    checkout: {
      amount: usd ? `${(n % 400) + 1}.${String(n % 100).padStart(2, '0')}` : String(((n % 300) + 1) * 100),
      currency: usd ? 'USD' : 'KHR',
      merchantReference: reference,
      payer: { firstName: 'Sok', lastName: 'Dara', mobile: '012345678', email: 'sok@example.com' },
    },
  };
}

const REQUEST_TIMEOUT_MS = 10_000;
/** How long one create keeps being retried before it is given up. */
const RETRY_BUDGET_MS = 240_000;

interface Answer {
  status: number;
  body: unknown;
}

async function send(url: string, key: string, body: unknown, idempotencyKey?: string): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: response.status, body: parsed };
  } catch {
    return { status: 0, body: undefined };
  }
}

const retryable = (status: number) => status === 0 || status === 409 || status === 429 || status >= 500;

export class ChaosClient {
  readonly #apiUrl: string;
  readonly #key: string;
  readonly #prefix: string;
  readonly tally = newClientTally();
  #next = 0;

  constructor(apiUrl: string, key: string, prefix: string) {
    this.#apiUrl = apiUrl;
    this.#key = key;
    this.#prefix = prefix;
  }

  #count(status: number) {
    const label = status === 0 ? 'network' : String(status);
    this.tally.answers.set(label, (this.tally.answers.get(label) ?? 0) + 1);
  }

  async #backoff(attempt: number, random: Random) {
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 4)) * (0.5 + random()));
  }

  /** One intent through POST /v1/checkouts, retried with its key until acknowledged. */
  async createOne(random: Random): Promise<void> {
    const one = item(this.#prefix, this.#next++);
    const deadline = Date.now() + RETRY_BUDGET_MS;
    for (let attempt = 0; ; attempt += 1) {
      if (attempt > 0) this.tally.retries += 1;
      this.tally.requests += 1;
      const answer = await send(`${this.#apiUrl}/v1/checkouts`, this.#key, one.checkout, one.idempotencyKey);
      this.#count(answer.status);
      const id = (answer.body as { id?: unknown } | undefined)?.id;
      if (answer.status === 202 && typeof id === 'string') {
        this.tally.acknowledged.add(id);
        return;
      }
      if (!retryable(answer.status)) {
        this.tally.unexpected.push(`${one.idempotencyKey}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return;
      }
      if (Date.now() > deadline) {
        this.tally.gaveUp += 1;
        return;
      }
      await this.#backoff(attempt, random);
    }
  }

  /** `size` intents through POST /v1/checkouts/batch; unfinished items are sent again, same keys. */
  async createBatch(size: number, random: Random): Promise<void> {
    let items = Array.from({ length: size }, () => item(this.#prefix, this.#next++));
    const deadline = Date.now() + RETRY_BUDGET_MS;
    for (let attempt = 0; items.length > 0; attempt += 1) {
      if (attempt > 0) this.tally.retries += 1;
      this.tally.requests += 1;
      const answer = await send(`${this.#apiUrl}/v1/checkouts/batch`, this.#key, { items });
      this.#count(answer.status);
      if (answer.status === 200) {
        const results = (answer.body as { results: { outcome: string; status: number; body: unknown }[] })
          .results;
        const again: Item[] = [];
        results.forEach((result, index) => {
          const id = (result.body as { id?: unknown } | null)?.id;
          if ((result.outcome === 'created' || result.outcome === 'replayed') && result.status === 202) {
            if (typeof id === 'string') this.tally.acknowledged.add(id);
          } else if (retryable(result.status)) {
            again.push(items[index]!);
          } else {
            this.tally.unexpected.push(
              `${items[index]?.idempotencyKey}: batch item ${result.outcome} ${result.status}`,
            );
          }
        });
        items = again;
      } else if (!retryable(answer.status)) {
        this.tally.unexpected.push(`batch: ${answer.status} ${JSON.stringify(answer.body)}`);
        return;
      }
      if (items.length === 0) return;
      if (Date.now() > deadline) {
        this.tally.gaveUp += items.length;
        return;
      }
      await this.#backoff(attempt, random);
    }
  }
}

/**
 * Creates about `rate` intents a second for `seconds`, half as single creates and half in
 * batches of 5 to 30, open-loop with at most `maxInFlight` requests; resolves once every create
 * started has been acknowledged or given up.
 */
export async function runLoad(
  client: ChaosClient,
  options: { rate: number; seconds: number; maxInFlight: number; random: Random },
): Promise<void> {
  const { rate, seconds, maxInFlight, random } = options;
  const pending = new Set<Promise<void>>();
  const start = Date.now();
  let due = 0;
  while (Date.now() - start < seconds * 1000) {
    const elapsed = (Date.now() - start) / 1000;
    while (due < elapsed * rate && pending.size < maxInFlight) {
      const batch = random() < 0.5;
      const size = batch ? 5 + Math.floor(random() * 26) : 1;
      due += size;
      const work: Promise<void> = (
        batch ? client.createBatch(size, random) : client.createOne(random)
      ).finally(() => pending.delete(work));
      pending.add(work);
    }
    await sleep(50);
  }
  await Promise.all(pending);
}
