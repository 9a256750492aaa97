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
import { runSqlTransaction, type SqlTransaction } from './run-sql-transaction.js';

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
  /** Called after a commit that created intents: wakes the outbox relay (see createOutboxWakeUp). */
  wakeOutbox: () => void;
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

/** A key's row as it was before this transaction claimed anything. */
interface StoredKey {
  request_hash: string;
  response_status: number;
  response_body: unknown;
  expires_at: Date;
}

interface ClaimResult {
  /** Keys claimed now, each with a sequence number reserved for its intent. */
  seqs: Map<string, bigint>;
  /** Keys that already had a row, visible when the claim started. */
  stored: Map<string, StoredKey>;
}

/**
 * Claims keys by inserting their rows, waiting (up to the transaction's lock_timeout) for a
 * concurrent request holding the same key. In the same round trip: a sequence number for each
 * claimed key (a refused item leaves a gap, as a rollback does) and the rows of keys that
 * existed. A key held by a request that commits while we wait is in neither map: the statement's
 * snapshot is older than that commit.
 */
async function claimKeys(
  tx: SqlTransaction,
  clientId: string,
  keys: readonly string[],
  hashes: readonly string[],
  expiresAt: Date,
): Promise<ClaimResult> {
  const rows = await tx.query<{ key: string; seq: string | null } & Partial<StoredKey>>`
      WITH claimed AS (
        INSERT INTO idempotency_key (client_id, key, request_hash, response_status, response_body, expires_at)
        SELECT ${clientId}, k, h, 0, 'null'::jsonb, ${expiresAt}
        FROM unnest(${keys}::text[], ${hashes}::text[]) AS t(k, h)
        ON CONFLICT (client_id, key) DO NOTHING
        RETURNING key)
      SELECT key, nextval(pg_get_serial_sequence('checkout_intent', 'seq'))::text AS seq,
             NULL::text AS request_hash, NULL::int AS response_status, NULL::jsonb AS response_body,
             NULL::timestamptz AS expires_at
      FROM claimed
      UNION ALL
      SELECT key, NULL, request_hash, response_status, response_body, expires_at FROM idempotency_key
      WHERE client_id = ${clientId} AND key = ANY(${keys}::text[])`;
  const result: ClaimResult = { seqs: new Map(), stored: new Map() };
  for (const row of rows) {
    if (row.seq !== null) result.seqs.set(row.key, BigInt(row.seq));
    else
      result.stored.set(row.key, {
        request_hash: row.request_hash ?? '',
        response_status: row.response_status ?? 0,
        response_body: row.response_body ?? null,
        expires_at: row.expires_at ?? new Date(0),
      });
  }
  return result;
}

/**
 * One transaction, in four round trips when every key is new and every merchantReference free:
 * BEGIN (with the in-flight wait as lock_timeout), the claim, one statement writing the intents,
 * their outbox rows, history and stored responses, and COMMIT. Replays take three. The rare
 * cases (expired keys, a key committed while we waited, merchantReference conflicts, no
 * account) add a statement each.
 */
async function createOnce(
  deps: CreateIntentsDeps,
  principal: ApiPrincipal,
  requests: readonly IntentRequest[],
): Promise<IntentOutcome[]> {
  const now = deps.now?.() ?? new Date();
  const expiresAt = new Date(now.getTime() + deps.idempotencyTtlMs);
  const outcomes: (IntentOutcome | undefined)[] = new Array<IntentOutcome | undefined>(requests.length);
  const clientId = principal.clientId;

  // The same key twice in one batch: the later ones follow the first.
  const firstIndexOfKey = new Map<string, number>();
  requests.forEach((request, index) => {
    if (!firstIndexOfKey.has(request.idempotencyKey)) firstIndexOfKey.set(request.idempotencyKey, index);
  });
  const unique = [...firstIndexOfKey.values()];

  await runSqlTransaction(
    deps.pool,
    async (tx) => {
      const keys = unique.map((index) => requests[index]?.idempotencyKey ?? '');
      const hashes = unique.map((index) => requests[index]?.requestHash ?? '');
      const claim = await claimKeys(tx, clientId, keys, hashes, expiresAt);

      // An expired key is free again: delete its row and claim it anew (still under the
      // in-flight wait: a concurrent request may be doing the same).
      const expired = [...claim.stored].filter(([, row]) => row.expires_at <= now).map(([key]) => key);
      if (expired.length > 0) {
        await tx.execute`
            DELETE FROM idempotency_key
            WHERE client_id = ${clientId} AND key = ANY(${expired}::text[]) AND expires_at <= ${now}`;
        for (const key of expired) claim.stored.delete(key);
        const again = await claimKeys(
          tx,
          clientId,
          expired,
          expired.map((key) => requests[firstIndexOfKey.get(key) ?? -1]?.requestHash ?? ''),
          expiresAt,
        );
        for (const [key, seq] of again.seqs) claim.seqs.set(key, seq);
        for (const [key, row] of again.stored) claim.stored.set(key, row);
      }
      // Keys whose holder committed while the claim waited: their rows are visible now.
      const unseen = keys.filter((key) => !claim.seqs.has(key) && !claim.stored.has(key));
      if (unseen.length > 0) {
        const rows = await tx.query<StoredKey & { key: string }>`
            SELECT key, request_hash, response_status, response_body, expires_at FROM idempotency_key
            WHERE client_id = ${clientId} AND key = ANY(${unseen}::text[])`;
        for (const row of rows) claim.stored.set(row.key, row);
      }

      // Keys seen before: replay the stored response, or refuse a different request.
      for (const [key, row] of claim.stored) {
        const index = firstIndexOfKey.get(key) ?? -1;
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

      // New keys: choose the merchant account; a merchantReference repeated within the batch
      // belongs to its first item.
      const toInsert: (PlannedIntent & { seq: bigint })[] = [];
      const repeats: (PlannedIntent & { first: PlannedIntent })[] = [];
      const dropKeys: string[] = [];
      const firstOfReference = new Map<string, PlannedIntent>();
      for (const index of unique) {
        const request = requests[index];
        const seq = request && claim.seqs.get(request.idempotencyKey);
        if (!request || seq === undefined) continue;
        const account = deps.accounts.find(
          (candidate) =>
            principal.accountIds.includes(candidate.id) &&
            candidate.currencies.includes(request.body.currency),
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
        const plan: PlannedIntent = { index, id: randomUUID(), account, request };
        const reference = request.body.merchantReference;
        const first = reference === undefined ? undefined : firstOfReference.get(reference);
        if (first) {
          repeats.push({ ...plan, first });
          continue;
        }
        if (reference !== undefined) firstOfReference.set(reference, plan);
        toInsert.push({ ...plan, seq });
      }

      const existingByReference =
        toInsert.length > 0
          ? await insertIntents(tx, deps, principal, now, toInsert, outcomes)
          : new Map<string, string>();

      // merchantReference already taken (by an earlier intent, or by the first item of this
      // batch): a 409 naming that intent, stored under the key like a success.
      const conflicts: { key: string; status: number; body: unknown }[] = [];
      const refuse = (plan: PlannedIntent, existing: string) => {
        const reference = plan.request.body.merchantReference ?? '';
        const problem = new ApiProblem(
          'merchant_reference_conflict',
          `An intent with merchantReference "${reference}" already exists.`,
          { extensions: { existing: { id: existing, href: `/v1/checkouts/${existing}` } } },
        );
        outcomes[plan.index] = { kind: 'refused', problem };
        conflicts.push({ key: plan.request.idempotencyKey, status: problem.status, body: problem.toBody() });
      };
      const takenBy = (plan: PlannedIntent) => {
        const reference = plan.request.body.merchantReference;
        return reference === undefined ? undefined : existingByReference.get(reference);
      };
      for (const plan of toInsert) {
        const existing = takenBy(plan);
        if (existing !== undefined) refuse(plan, existing);
      }
      for (const plan of repeats) refuse(plan, takenBy(plan) ?? plan.first.id);
      if (conflicts.length > 0) {
        await tx.execute`
            UPDATE idempotency_key AS i
            SET response_status = v.status, response_body = v.body
            FROM unnest(${conflicts.map((c) => c.key)}::text[], ${conflicts.map((c) => c.status)}::int[],
                        ${conflicts.map((c) => JSON.stringify(c.body))}::jsonb[])
              AS v(key, status, body)
            WHERE i.client_id = ${clientId} AND i.key = v.key`;
      }
      if (dropKeys.length > 0) {
        await tx.execute`
            DELETE FROM idempotency_key WHERE client_id = ${clientId} AND key = ANY(${dropKeys}::text[])`;
      }
    },
    {
      lockTimeoutMs: deps.inFlightWaitMs,
      // One item (the single endpoint, hundreds a second): the plan made once per connection.
      // A batch: a plan for its sizes, whose cost a thousand items share.
      planCacheMode: unique.length === 1 ? 'force_generic_plan' : 'force_custom_plan',
    },
  );
  if (outcomes.some((outcome) => outcome?.kind === 'created')) deps.wakeOutbox();

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

/**
 * One statement: the intents whose merchantReference is free, their outbox rows and first
 * history rows, and each key's stored response. Sets `outcomes` for the intents created and
 * returns the merchantReferences that were taken, with the intent that has each.
 *
 * It first ends the in-flight wait (`lock_timeout` back to 0, before any row is written): the
 * only lock this statement can wait for is a concurrent insert of the same merchantReference,
 * which must end in a unique violation (and a retry), not be mistaken for a key in flight.
 */
async function insertIntents(
  tx: SqlTransaction,
  deps: CreateIntentsDeps,
  principal: ApiPrincipal,
  now: Date,
  plans: readonly (PlannedIntent & { seq: bigint })[],
  outcomes: (IntentOutcome | undefined)[],
): Promise<Map<string, string>> {
  const column = <T>(pick: (plan: PlannedIntent & { seq: bigint }) => T) => plans.map(pick);
  const timestamp = now.toISOString();
  const resources = plans.map((plan): CheckoutIntentResource => {
    const body = plan.request.body;
    return {
      id: plan.id,
      state: 'PENDING',
      tradeNo: generateTradeNo({
        createdAt: now,
        seq: plan.seq,
        generation: 0,
        prefix: deps.tradeNoPrefix,
        timeZone: deps.tradeNoTimeZone,
      }),
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
    };
  });
  const bodies = column((plan) => plan.request.body);
  const clientId = principal.clientId;
  const taken = await tx.query<{ merchant_reference: string; id: string }>`
      WITH settings AS MATERIALIZED (SELECT set_config('lock_timeout', '0', true) AS lock_timeout),
      input AS MATERIALIZED (
        SELECT t.* FROM unnest(
          ${column((p) => p.id)}::uuid[], ${column((p) => p.seq.toString())}::bigint[],
          ${column((p) => p.account.id)}::text[], ${column((p) => p.account.merchantNo)}::text[],
          ${bodies.map((b) => b.merchantReference ?? null)}::text[], ${resources.map((r) => r.tradeNo)}::text[],
          ${resources.map((r) => r.amount)}::numeric[], ${bodies.map((b) => b.currency)}::text[],
          ${column((p) => p.request.body.channelCode ?? p.account.channelCode)}::text[],
          ${column((p) => p.request.body.wayCode ?? p.account.wayCode)}::text[],
          ${bodies.map((b) => b.payer.firstName)}::text[], ${bodies.map((b) => b.payer.lastName)}::text[],
          ${bodies.map((b) => b.payer.mobile)}::text[], ${bodies.map((b) => b.payer.email)}::text[],
          ${bodies.map((b) => b.returnUrl ?? null)}::text[], ${bodies.map((b) => b.remark ?? null)}::text[],
          ${bodies.map((b) => (b.metadata === undefined ? null : JSON.stringify(b.metadata)))}::jsonb[],
          ${column((p) => p.request.idempotencyKey)}::text[], ${resources.map((r) => JSON.stringify(r))}::jsonb[]
        ) AS t(id, seq, account_id, merchant_no, merchant_reference, trade_no, amount, currency, channel_code,
               way_code, first_name, last_name, mobile, email, return_url, remark, metadata, key, response)
        CROSS JOIN settings),
      taken AS MATERIALIZED (
        SELECT merchant_reference, id FROM checkout_intent
        WHERE client_id = ${clientId}
          AND merchant_reference IN (SELECT merchant_reference FROM input WHERE merchant_reference IS NOT NULL)),
      intents AS (
        INSERT INTO checkout_intent (
          id, seq, client_id, account_id, merchant_no, merchant_reference, state, trade_no, amount, currency,
          channel_code, way_code, payer_first_name, payer_last_name, payer_mobile, payer_email,
          return_url, remark, metadata, state_changed_at, created_at, updated_at)
        SELECT id, seq, ${clientId}, account_id, merchant_no, merchant_reference, 'PENDING', trade_no,
          amount, currency::currency, channel_code, way_code, first_name, last_name, mobile, email,
          return_url, remark, metadata, ${now}, ${now}, ${now}
        FROM input
        WHERE merchant_reference IS NULL OR merchant_reference NOT IN (SELECT merchant_reference FROM taken)
        RETURNING id),
      outbox AS (
        INSERT INTO outbox_event (event_type, intent_id, generation, payload, created_at)
        SELECT 'checkout.submit', id, 0, '{}'::jsonb, ${now} FROM intents),
      history AS (
        INSERT INTO status_history (intent_id, client_id, from_state, to_state, actor, reason, created_at)
        SELECT id, ${clientId}, NULL, 'PENDING', 'api', 'intent.created', ${now} FROM intents),
      responses AS (
        UPDATE idempotency_key AS k
        SET response_status = 202, response_body = input.response, intent_id = input.id
        FROM intents JOIN input USING (id)
        WHERE k.client_id = ${clientId} AND k.key = input.key)
      SELECT merchant_reference, id::text FROM taken`;
  const existingByReference = new Map(taken.map((row) => [row.merchant_reference, row.id]));
  plans.forEach((plan, position) => {
    const reference = plan.request.body.merchantReference;
    const resource = resources[position];
    if (!resource || (reference !== undefined && existingByReference.has(reference))) return;
    outcomes[plan.index] = { kind: 'created', status: 202, body: resource };
  });
  return existingByReference;
}

/** The amount as the database stores it: validated text in its canonical form. */
function canonicalAmount(body: CreateCheckoutBody): string {
  const parsed = parseAmount(body.amount, body.currency);
  if (!parsed.ok) throw new Error(`amount was not validated: ${parsed.message}`);
  return formatMinorUnits(parsed.minor, body.currency);
}
