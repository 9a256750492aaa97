// The verdict of a chaos run: the database against what the client was told and against the
// sandbox's ledger (the gateway's truth). Each check counts what it looked at and names every
// violation with its evidence.
import type pg from 'pg';

export interface InvariantResult {
  /** The invariant of docs/reliability.md it evidences (1-5). */
  invariant: number;
  name: string;
  checked: number;
  violations: number;
  examples: string[];
}

export interface LedgerOrder {
  tradeNo: string;
  status: string;
  amount: string;
  paidAmount: string | null;
  notifications: { kind: string; status: string | null; attempts: { outcome: string }[] }[];
}

/** Every order of the sandbox's ledger, page by page. */
export async function readLedger(sandboxUrl: string): Promise<LedgerOrder[]> {
  const orders: LedgerOrder[] = [];
  for (let offset = 0; ;) {
    const response = await fetch(`${sandboxUrl}/_sandbox/ledger?offset=${offset}&limit=10000`);
    if (!response.ok) throw new Error(`GET /_sandbox/ledger answered ${response.status}`);
    const page = (await response.json()) as { total: number; orders: LedgerOrder[] };
    orders.push(...page.orders);
    offset += page.orders.length;
    if (page.orders.length === 0 || offset >= page.total) return orders;
  }
}

/** Where each state may be entered from (docs/architecture.md, "Intent states"). */
const NOT_FINAL = ['PENDING', 'SUBMITTING', 'UNKNOWN', 'AWAITING_PAYMENT', 'EXPIRED', 'SUBMIT_FAILED'];
export const ENTERED_FROM: Record<string, readonly string[]> = {
  // A retryable failure, or a superseded order (from any state that is not final).
  PENDING: NOT_FINAL,
  // From PENDING or UNKNOWN, or taking over a SUBMITTING whose lease ran out.
  SUBMITTING: ['PENDING', 'UNKNOWN', 'SUBMITTING'],
  UNKNOWN: ['SUBMITTING'],
  AWAITING_PAYMENT: ['SUBMITTING', 'UNKNOWN'],
  PAID: NOT_FINAL,
  PARTIALLY_PAID: NOT_FINAL,
  FAILED: NOT_FINAL,
  REJECTED: ['SUBMITTING', 'UNKNOWN'],
  SUBMIT_FAILED: ['SUBMITTING', 'UNKNOWN'],
  EXPIRED: ['AWAITING_PAYMENT'],
};

const STUCK = new Set(['PENDING', 'SUBMITTING', 'UNKNOWN']);

/** A decimal string as integer hundredths ("12.5" and "12.50" agree; "4000" and "4000.00" too). */
export function hundredths(amount: string | null | undefined): bigint | undefined {
  if (amount === null || amount === undefined || !/^\d+(\.\d{1,2})?$/.test(amount)) return undefined;
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

class Check {
  readonly result: InvariantResult;
  readonly #maxExamples: number;
  constructor(invariant: number, name: string, maxExamples: number) {
    this.result = { invariant, name, checked: 0, violations: 0, examples: [] };
    this.#maxExamples = maxExamples;
  }
  looked(count = 1) {
    this.result.checked += count;
  }
  violated(example: string) {
    this.result.violations += 1;
    if (this.result.examples.length < this.#maxExamples) this.result.examples.push(example);
  }
}

interface IntentRow {
  id: string;
  state: string;
  trade_no: string;
  paid_amount: string | null;
  linked: boolean;
}

export interface Forgery {
  marker: string;
  /** What it claims, for the report. */
  what: string;
}

export async function checkInvariants(
  pool: pg.Pool,
  input: {
    acknowledged: ReadonlySet<string>;
    ledger: readonly LedgerOrder[];
    forgeries: readonly Forgery[];
    maxExamples: number;
    /** The state of notification `<id>`'s reconcile job, for the evidence of a stuck one. */
    describeJob?: (notificationId: string) => Promise<string>;
  },
): Promise<InvariantResult[]> {
  const { acknowledged, ledger, forgeries, maxExamples, describeJob } = input;
  const intents = (
    await pool.query<IntentRow>(
      `SELECT id::text, state::text, trade_no, paid_amount::text,
              (payment_link IS NOT NULL OR pay_info IS NOT NULL) AS linked
       FROM checkout_intent`,
    )
  ).rows;
  const superseded = (
    await pool.query<{ trade_no: string; intent_id: string }>(
      'SELECT trade_no, intent_id::text FROM superseded_trade_no',
    )
  ).rows;
  const history = (
    await pool.query<{ intent_id: string; from_state: string | null; to_state: string }>(
      'SELECT intent_id::text, from_state::text, to_state::text FROM status_history ORDER BY intent_id, id',
    )
  ).rows;
  const notifications = (
    await pool.query<{
      id: string;
      trade_no: string | null;
      status: string | null;
      processed: boolean;
      outcome: string | null;
      raw_body: string;
      attempts: number;
      received_at: Date;
    }>(
      `SELECT id::text, trade_no, status, processed_at IS NOT NULL AS processed, outcome::text, raw_body,
              attempts, received_at
       FROM gateway_notification`,
    )
  ).rows;
  const exceptions = (
    await pool.query<{ kind: string; intent_id: string | null; notification_id: string | null }>(
      'SELECT kind, intent_id::text, notification_id::text FROM reconciliation_exception',
    )
  ).rows;

  const byId = new Map(intents.map((intent) => [intent.id, intent]));
  const orderOf = new Map(ledger.map((order) => [order.tradeNo, order]));

  // 1. Every acknowledged intent is in the database and reached a state.
  const reached = new Check(
    1,
    'every acknowledged intent exists and left PENDING/SUBMITTING/UNKNOWN',
    maxExamples,
  );
  for (const id of acknowledged) {
    reached.looked();
    const intent = byId.get(id);
    if (!intent) reached.violated(`intent ${id}: acknowledged by the api, not in checkout_intent`);
    else if (STUCK.has(intent.state))
      reached.violated(`intent ${id}: still ${intent.state} (tradeNo ${intent.trade_no})`);
  }

  // 2. One live order per intent: every ledger order is an intent's live or recorded superseded tradeNo.
  const live = new Check(
    2,
    "every gateway order is an intent's live or recorded superseded tradeNo; superseded ones are dead",
    maxExamples,
  );
  const owner = new Map<string, { intentId: string; live: boolean }>();
  for (const intent of intents) owner.set(intent.trade_no, { intentId: intent.id, live: true });
  for (const row of superseded) owner.set(row.trade_no, { intentId: row.intent_id, live: false });
  const supersededPaymentFlagged = new Set(
    exceptions.filter((row) => row.kind === 'payment_on_superseded_trade_no').map((row) => row.intent_id),
  );
  for (const order of ledger) {
    live.looked();
    const found = owner.get(order.tradeNo);
    if (!found) {
      live.violated(`ledger order ${order.tradeNo} (status ${order.status}) maps to no intent`);
    } else if (!found.live) {
      if (order.status === '0015') {
        live.violated(
          `intent ${found.intentId}: superseded tradeNo ${order.tradeNo} is still open (0015) at the gateway`,
        );
      } else if (
        (order.status === '0000' || order.status === '0001') &&
        !supersededPaymentFlagged.has(found.intentId)
      ) {
        live.violated(
          `intent ${found.intentId}: superseded tradeNo ${order.tradeNo} was paid (${order.status}) and no exception says so`,
        );
      }
    }
  }
  for (const row of superseded) {
    if (!orderOf.has(row.trade_no)) {
      live.violated(
        `intent ${row.intent_id}: superseded tradeNo ${row.trade_no} has no gateway order (superseded without proof)`,
      );
    }
  }

  // 3b (reported with 4's truth): every state agrees with the gateway's ledger.
  const truth = new Check(
    4,
    "every intent's state equals the ledger's truth for its live tradeNo",
    maxExamples,
  );
  for (const intent of intents) {
    if (STUCK.has(intent.state)) continue; // reported by check 1 when acknowledged
    truth.looked();
    const order = orderOf.get(intent.trade_no);
    const where = `intent ${intent.id} (${intent.state}, tradeNo ${intent.trade_no})`;
    if (!order) {
      if (intent.state !== 'SUBMIT_FAILED' && intent.state !== 'REJECTED')
        truth.violated(`${where}: no gateway order`);
      continue;
    }
    const paid = hundredths(intent.paid_amount);
    const truthPaid = hundredths(order.paidAmount ?? order.amount);
    const expected =
      order.status === '0000'
        ? ['PAID']
        : order.status === '0001'
          ? ['PARTIALLY_PAID']
          : order.status === '0015'
            ? ['AWAITING_PAYMENT', 'EXPIRED']
            : ['FAILED'];
    if (!expected.includes(intent.state)) {
      truth.violated(
        `${where}: the ledger says ${order.status} (paid ${order.paidAmount ?? '-'}), expected ${expected.join(' or ')}`,
      );
    } else if ((order.status === '0000' || order.status === '0001') && paid !== truthPaid) {
      truth.violated(
        `${where}: paid_amount ${intent.paid_amount} but the ledger says ${order.paidAmount ?? order.amount}`,
      );
    }
  }

  // 4a. Status history only moves forward along the state machine, and ends at the current state.
  const forward = new Check(
    1,
    'status history follows the state machine (never backwards, nothing after a final state)',
    maxExamples,
  );
  let previous: { intentId: string; state: string | null } = { intentId: '', state: null };
  const lastState = new Map<string, string>();
  for (const row of history) {
    if (row.intent_id !== previous.intentId) previous = { intentId: row.intent_id, state: null };
    forward.looked();
    const allowed =
      row.from_state === null
        ? row.to_state === 'PENDING'
        : (ENTERED_FROM[row.to_state] ?? []).includes(row.from_state);
    if (!allowed)
      forward.violated(
        `intent ${row.intent_id}: ${row.from_state ?? '(new)'} → ${row.to_state} is not a transition of the state machine`,
      );
    else if (row.from_state !== previous.state) {
      forward.violated(
        `intent ${row.intent_id}: a row from ${row.from_state ?? '(new)'} follows one that ended in ${previous.state ?? '(nothing)'}`,
      );
    }
    previous.state = row.to_state;
    lastState.set(row.intent_id, row.to_state);
  }
  for (const intent of intents) {
    if (lastState.get(intent.id) !== intent.state) {
      forward.violated(
        `intent ${intent.id}: state ${intent.state} but its history ends in ${lastState.get(intent.id) ?? '(no row)'}`,
      );
    }
  }

  // 3. Notifications: acknowledged with OK only once stored; each stored one processed or surfaced.
  const stored = new Check(
    3,
    'every notification the sandbox saw acknowledged is stored; every stored one is processed or an exception',
    maxExamples,
  );
  const storedClaims = new Set(notifications.map((row) => `${row.trade_no}|${row.status}`));
  for (const order of ledger) {
    for (const delivery of order.notifications) {
      if (!delivery.attempts.some((attempt) => attempt.outcome === 'ok')) continue;
      stored.looked();
      if (!storedClaims.has(`${order.tradeNo}|${delivery.status}`)) {
        stored.violated(
          `tradeNo ${order.tradeNo}: a ${delivery.kind} ${delivery.status} notification was acknowledged OK but is not in gateway_notification`,
        );
      }
    }
  }
  const surfaced = new Set(exceptions.map((row) => row.notification_id));
  for (const row of notifications) {
    stored.looked();
    if (!row.processed && !surfaced.has(row.id)) {
      stored.violated(
        `notification ${row.id} (tradeNo ${row.trade_no}, ${row.status}, received ${row.received_at.toISOString()}, ` +
          `${row.attempts} reconcile attempts; job ${await describeJob?.(row.id)}): neither processed nor an exception`,
      );
    }
  }

  // 4b. Forged notifications are stored and surfaced, never applied.
  const forged = new Check(
    4,
    'forged notifications (bad sign, unknown tradeNo, wrong amount) are recorded, never applied',
    maxExamples,
  );
  for (const forgery of forgeries) {
    forged.looked();
    const rows = notifications.filter((row) => row.raw_body.includes(forgery.marker));
    if (rows.length === 0) forged.violated(`${forgery.what}: not stored`);
    for (const row of rows) {
      if (row.outcome !== 'exception' && row.outcome !== 'rejected_signature') {
        forged.violated(
          `${forgery.what}: notification ${row.id} has outcome ${row.outcome ?? '(unprocessed)'}`,
        );
      } else if (!surfaced.has(row.id)) {
        forged.violated(`${forgery.what}: notification ${row.id} has no reconciliation exception`);
      }
    }
  }

  return [reached.result, live.result, truth.result, forward.result, stored.result, forged.result];
}
