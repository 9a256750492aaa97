import { randomUUID } from 'node:crypto';
import {
  generateTradeNo,
  parseAmount,
  formatMinorUnits,
  type CheckoutIntentResource,
  type CreateCheckoutBody,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import type { PrismaClient } from '@vexora-checkout/db';
import type pg from 'pg';
import type { ApiPrincipal } from '../auth/authenticate-api-key.js';
import { ApiProblem } from '../problems/api-problem.js';
import { LOCK_NOT_AVAILABLE, postgresErrorCode, UNIQUE_VIOLATION } from './postgres-error-code.js';
import { runSqlTransaction } from './run-sql-transaction.js';

/** One intent to create, already validated, with its idempotency key and request fingerprint. */
export interface IntentRequest {
  idempotencyKey: string;
  requestHash: string;
  body: CreateCheckoutBody;
}

export type IntentOutcome =
  /** Created now: 202 with the intent. */
  | { kind: 'created'; status: 202; body: CheckoutIntentResource }
  /** The key was seen before with the same request: its first response, as it was. */
  | { kind: 'replayed'; status: number; body: unknown }
  /** Refused; `stored` problems are replayed for the same key later. */
  | { kind: 'refused'; problem: ApiProblem };

export interface CreateIntentsDeps {
  prisma: PrismaClient;
  /** The pool under `prisma`: the create path runs as plain SQL. */
  pool: pg.Pool;
  accounts: readonly VexoraAccount[];
  tradeNoPrefix: string;
  tradeNoTimeZone: string;
  /** How long a key's first response is replayed (at least 24 h). */
  idempotencyTtlMs: number;
  /** How long a request waits for another one with the same key before answering 409. */
  inFlightWaitMs: number;
  now?: () => Date;
}

/**
 * Creates checkout intents, one or a thousand, in ONE transaction with set-based SQL: each
 * intent with its outbox event and its first status_history row, and each key's response, so a
 * crash anywhere leaves either all of it or none of it.
 *
 * Idempotency (Stripe's rules): the transaction first claims every key by inserting its row;
 * a key that exists is a replay (same request fingerprint) or a 422 (another request). A
 * concurrent request holding the same key makes the claim wait; past `inFlightWaitMs` it is a
 * 409. A merchantReference already used by the client is a 409 naming the existing intent;
 * that answer is stored under the key like a success, so it replays too.
 */
export async function createCheckoutIntents(
  deps: CreateIntentsDeps,
  principal: ApiPrincipal,
  requests: readonly IntentRequest[],
): Promise<IntentOutcome[]> {
  // A unique violation means a concurrent request took a merchantReference between our check
  // and our insert: run again, and the check will see it.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await createOnce(deps, principal, requests);
    } catch (error) {
      const code = postgresErrorCode(error);
      if (code === UNIQUE_VIOLATION && attempt < 3) continue;
      if (code === LOCK_NOT_AVAILABLE) {
        const problem = new ApiProblem(
          'idempotency_in_flight',
          'A request with the same Idempotency-Key is still in progress. Retry shortly with the same key.',
        );
        return requests.map(() => ({ kind: 'refused', problem }));
      }
      throw error;
    }
  }
}

interface PlannedIntent {
  index: number;
  id: string;
  account: VexoraAccount;
  request: IntentRequest;
}

async function createOnce(
  deps: CreateIntentsDeps,
  principal: ApiPrincipal,
  requests: readonly IntentRequest[],
): Promise<IntentOutcome[]> {
  const now = deps.now?.() ?? new Date();
  const expiresAt = new Date(now.getTime() + deps.idempotencyTtlMs);
  const outcomes: (IntentOutcome | undefined)[] = new Array<IntentOutcome | undefined>(requests.length);

  // The same key twice in one batch: the later ones follow the first.
  const firstIndexOfKey = new Map<string, number>();
  requests.forEach((request, index) => {
    if (!firstIndexOfKey.has(request.idempotencyKey)) firstIndexOfKey.set(request.idempotencyKey, index);
  });
  const unique = [...firstIndexOfKey.values()];

  await runSqlTransaction(deps.pool, async (tx) => {
    await tx.executeUnsafe(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(deps.inFlightWaitMs))}ms'`);
    const keys = unique.map((index) => requests[index]?.idempotencyKey ?? '');
    const hashes = unique.map((index) => requests[index]?.requestHash ?? '');
    await tx.execute`
        DELETE FROM idempotency_key
        WHERE client_id = ${principal.clientId} AND key = ANY(${keys}::text[]) AND expires_at <= ${now}`;
    const claimed = await tx.query<{ key: string }>`
        INSERT INTO idempotency_key (client_id, key, request_hash, response_status, response_body, expires_at)
        SELECT ${principal.clientId}, k, h, 0, 'null'::jsonb, ${expiresAt}
        FROM unnest(${keys}::text[], ${hashes}::text[]) AS t(k, h)
        ON CONFLICT (client_id, key) DO NOTHING
        RETURNING key`;
    // The wait applies to the key claim only: a lock timeout later on would be misread as
    // "key in flight".
    await tx.executeUnsafe('SET LOCAL lock_timeout = 0');
    const claimedKeys = new Set(claimed.map((row) => row.key));

    // Keys seen before: replay the stored response, or refuse a different request.
    const seenKeys = keys.filter((key) => !claimedKeys.has(key));
    if (seenKeys.length > 0) {
      const stored = await tx.query<{
        key: string;
        request_hash: string;
        response_status: number;
        response_body: unknown;
      }>`
          SELECT key, request_hash, response_status, response_body FROM idempotency_key
          WHERE client_id = ${principal.clientId} AND key = ANY(${seenKeys}::text[])`;
      for (const row of stored) {
        const index = firstIndexOfKey.get(row.key) ?? -1;
        outcomes[index] =
          row.request_hash === requests[index]?.requestHash
            ? { kind: 'replayed', status: row.response_status, body: row.response_body }
            : {
                kind: 'refused',
                problem: new ApiProblem(
                  'idempotency_key_reused',
                  'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
                ),
              };
      }
    }

    // New keys: choose the merchant account, then check merchant references.
    const planned: PlannedIntent[] = [];
    const dropKeys: string[] = [];
    for (const index of unique) {
      const request = requests[index];
      if (!request || !claimedKeys.has(request.idempotencyKey)) continue;
      const account = deps.accounts.find(
        (candidate) =>
          principal.accountIds.includes(candidate.id) && candidate.currencies.includes(request.body.currency),
      );
      if (!account) {
        // Not stored under the key: the client may fix its key's accounts and retry.
        dropKeys.push(request.idempotencyKey);
        outcomes[index] = {
          kind: 'refused',
          problem: new ApiProblem(
            'no_account_for_currency',
            `None of this API key's merchant accounts (${principal.accountIds.join(', ')}) takes ${request.body.currency}.`,
          ),
        };
        continue;
      }
      planned.push({ index, id: randomUUID(), account, request });
    }

    const references = planned.flatMap((plan) => plan.request.body.merchantReference ?? []);
    const existingByReference = new Map<string, string>();
    if (references.length > 0) {
      const rows = await tx.query<{ id: string; merchant_reference: string }>`
          SELECT id::text, merchant_reference FROM checkout_intent
          WHERE client_id = ${principal.clientId} AND merchant_reference = ANY(${references}::text[])`;
      for (const row of rows) existingByReference.set(row.merchant_reference, row.id);
    }
    const toInsert: PlannedIntent[] = [];
    const conflicts: { index: number; key: string; body: unknown }[] = [];
    for (const plan of planned) {
      const reference = plan.request.body.merchantReference;
      const existing = reference === undefined ? undefined : existingByReference.get(reference);
      if (reference !== undefined && existing !== undefined) {
        const problem = new ApiProblem(
          'merchant_reference_conflict',
          `An intent with merchantReference "${reference}" already exists.`,
          { extensions: { existing: { id: existing, href: `/v1/checkouts/${existing}` } } },
        );
        outcomes[plan.index] = { kind: 'refused', problem };
        conflicts.push({ index: plan.index, key: plan.request.idempotencyKey, body: problem.toBody() });
        continue;
      }
      if (reference !== undefined) existingByReference.set(reference, plan.id); // a later item of this batch
      toInsert.push(plan);
    }

    if (toInsert.length > 0) {
      const seqs = await tx.query<{ seq: string }>`
          SELECT nextval(pg_get_serial_sequence('checkout_intent', 'seq'))::text AS seq
          FROM generate_series(1, ${toInsert.length}::int)`;
      const column = <T>(pick: (plan: PlannedIntent, position: number) => T) => toInsert.map(pick);
      const seqOf = (position: number) => BigInt(seqs[position]?.seq ?? '0');
      const tradeNos = column((_plan, position) =>
        generateTradeNo({
          createdAt: now,
          seq: seqOf(position),
          generation: 0,
          prefix: deps.tradeNoPrefix,
          timeZone: deps.tradeNoTimeZone,
        }),
      );
      const bodies = column((plan) => plan.request.body);
      const ids = column((plan) => plan.id);
      await tx.execute`
          INSERT INTO checkout_intent (
            id, seq, client_id, account_id, merchant_no, merchant_reference, state, trade_no, amount, currency,
            channel_code, way_code, payer_first_name, payer_last_name, payer_mobile, payer_email,
            return_url, remark, metadata, state_changed_at, created_at, updated_at)
          SELECT id, seq, ${principal.clientId}, account_id, merchant_no, merchant_reference, 'PENDING', trade_no,
            amount, currency::currency, channel_code, way_code, first_name, last_name, mobile, email,
            return_url, remark, metadata, ${now}, ${now}, ${now}
          FROM unnest(
            ${ids}::uuid[], ${column((_p, i) => seqOf(i).toString())}::bigint[],
            ${column((p) => p.account.id)}::text[], ${column((p) => p.account.merchantNo)}::text[],
            ${bodies.map((b) => b.merchantReference ?? null)}::text[], ${tradeNos}::text[],
            ${bodies.map((b) => canonicalAmount(b))}::numeric[], ${bodies.map((b) => b.currency)}::text[],
            ${column((p) => p.request.body.channelCode ?? p.account.channelCode)}::text[],
            ${column((p) => p.request.body.wayCode ?? p.account.wayCode)}::text[],
            ${bodies.map((b) => b.payer.firstName)}::text[], ${bodies.map((b) => b.payer.lastName)}::text[],
            ${bodies.map((b) => b.payer.mobile)}::text[], ${bodies.map((b) => b.payer.email)}::text[],
            ${bodies.map((b) => b.returnUrl ?? null)}::text[], ${bodies.map((b) => b.remark ?? null)}::text[],
            ${bodies.map((b) => (b.metadata === undefined ? null : JSON.stringify(b.metadata)))}::jsonb[]
          ) AS t(id, seq, account_id, merchant_no, merchant_reference, trade_no, amount, currency, channel_code,
                 way_code, first_name, last_name, mobile, email, return_url, remark, metadata)`;
      await tx.execute`
          INSERT INTO outbox_event (event_type, intent_id, generation, payload, created_at)
          SELECT 'checkout.submit', id, 0, '{}'::jsonb, ${now} FROM unnest(${ids}::uuid[]) AS t(id)`;
      await tx.execute`
          INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, created_at)
          SELECT id, ${principal.clientId}, NULL, 'PENDING', 'api', 'intent.created', ${now}
          FROM unnest(${ids}::uuid[]) AS t(id)`;

      toInsert.forEach((plan, position) => {
        const body = plan.request.body;
        const timestamp = now.toISOString();
        outcomes[plan.index] = {
          kind: 'created',
          status: 202,
          body: {
            id: plan.id,
            state: 'PENDING',
            tradeNo: tradeNos[position] ?? '',
            amount: canonicalAmount(body),
            currency: body.currency,
            merchantReference: body.merchantReference ?? null,
            paymentLink: null,
            payInfo: null,
            platformTradeNo: null,
            paidAmount: null,
            createdAt: timestamp,
            updatedAt: timestamp,
            stateChangedAt: timestamp,
          },
        };
      });
    }

    // Store each claimed key's response, in the same transaction as what it describes.
    const stored = [
      ...toInsert.map((plan) => ({ key: plan.request.idempotencyKey, index: plan.index })),
      ...conflicts.map((conflict) => ({ key: conflict.key, index: conflict.index })),
    ];
    if (stored.length > 0) {
      const statuses = stored.map(({ index }) => {
        const outcome = outcomes[index];
        return outcome?.kind === 'refused' ? outcome.problem.status : 202;
      });
      const bodies = stored.map(({ index }) => {
        const outcome = outcomes[index];
        return JSON.stringify(outcome?.kind === 'refused' ? outcome.problem.toBody() : outcome?.body);
      });
      const intentIds = stored.map(({ index }) => {
        const outcome = outcomes[index];
        return outcome?.kind === 'created' ? outcome.body.id : null;
      });
      await tx.execute`
          UPDATE idempotency_key AS i
          SET response_status = v.status, response_body = v.body, intent_id = v.intent_id
          FROM unnest(${stored.map((s) => s.key)}::text[], ${statuses}::int[], ${bodies}::jsonb[], ${intentIds}::uuid[])
            AS v(key, status, body, intent_id)
          WHERE i.client_id = ${principal.clientId} AND i.key = v.key`;
    }
    if (dropKeys.length > 0) {
      await tx.execute`
          DELETE FROM idempotency_key WHERE client_id = ${principal.clientId} AND key = ANY(${dropKeys}::text[])`;
    }
  });
  if (outcomes.some((outcome) => outcome?.kind === 'created')) {
    // Wakes the outbox relay at once rather than at its next poll. After the commit, not in it:
    // a NOTIFY in a transaction takes a database-wide lock for the whole commit, serialising
    // every create. A lost wake-up only costs the relay's polling interval.
    deps.pool.query("SELECT pg_notify('outbox_event', '')").catch(() => undefined);
  }

  // Later duplicates of a key within the batch follow the first occurrence.
  return requests.map((request, index) => {
    const first = firstIndexOfKey.get(request.idempotencyKey) ?? index;
    const outcome = outcomes[first];
    if (!outcome) throw new Error(`no outcome for item ${index}`);
    if (first === index) return outcome;
    if (request.requestHash !== requests[first]?.requestHash) {
      return {
        kind: 'refused',
        problem: new ApiProblem(
          'idempotency_key_reused',
          'This Idempotency-Key appears earlier in the batch with a different request.',
        ),
      };
    }
    return outcome.kind === 'created'
      ? { kind: 'replayed', status: outcome.status, body: outcome.body }
      : outcome;
  });
}

/** The amount as the database stores it: validated text in its canonical form. */
function canonicalAmount(body: CreateCheckoutBody): string {
  const parsed = parseAmount(body.amount, body.currency);
  if (!parsed.ok) throw new Error(`amount was not validated: ${parsed.message}`);
  return formatMinorUnits(parsed.minor, body.currency);
}
