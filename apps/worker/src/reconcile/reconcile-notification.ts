import { classifyGatewayStatus, type VexoraAccount } from '@vexora-checkout/contracts';
import type { Prisma, PrismaClient } from '@vexora-checkout/db';
import type { GatewayClient, QueryResult } from '@vexora-checkout/gateway-client';
import type pg from 'pg';
import { OUTBOX_CHANNEL } from '../outbox/outbox-routes.js';
import { attemptColumns, type AttemptColumns } from '../submit/record-attempt.js';
import {
  applyGatewayStatus,
  transitionDetails,
  type ApplyResult,
  type GatewayStatusReport,
} from './apply-gateway-status.js';
import { createLimiter, type Limiter } from './create-limiter.js';
import { decimalCents, formatCents } from './decimal-cents.js';
import { matchTradeNo, type TradeNoMatch } from './match-trade-no.js';
import { queryAndRecord } from './query-and-record.js';
import { recordException, type ExceptionKind, type ExceptionRecord } from './record-exception.js';
import { reconcileStoreFor, type FastApply, type LoadedNotification } from './reconcile-store.js';

/** A `gateway_notification` row (the db package does not export the model type by name). */
type GatewayNotification = Prisma.GatewayNotificationGetPayload<object>;

export interface ReconcileDeps {
  prisma: PrismaClient;
  /** The pool under Prisma: the fast path's statements run on it (without it, through Prisma). */
  pool?: pg.Pool | undefined;
  accounts: readonly VexoraAccount[];
  gatewayFor(account: VexoraAccount): GatewayClient;
  now?: () => Date;
}

/**
 * What reconciliation concluded about a delivery (`gateway_notification.outcome`):
 * - `applied`: the intent's state changed (maybe with a flag, e.g. a late payment);
 * - `superseded`: the order failed before the payer had a link; the intent got a new tradeNo;
 * - `no_change`: proven, but nothing to change (processing, already in that state, stale);
 * - `duplicate`: a delivery with the same claim was already applied;
 * - `exception`: recorded in reconciliation_exception, nothing applied;
 * - `rejected_signature`: the sign matched no account's secret; never applied.
 */
export type NotificationOutcome = ApplyResult['outcome'] | 'duplicate' | 'rejected_signature';

export interface ReconcileResult {
  notificationId: string;
  outcome: NotificationOutcome;
  /** How the claim was proven: a trusted signature, the Query API, or not at all. */
  proof: 'signature' | 'query' | 'none';
  intentId: string | null;
  exceptions: ExceptionKind[];
  signature: GatewayNotification['signature'];
  /** Set when this run finished the row (false: another run had already done it). */
  processedNow: boolean;
  /** received_at → processed_at, in ms. */
  lagMs: number | null;
}

/** The Query API gave no answer that proves anything: BullMQ runs the job again after a backoff. */
export class InconclusiveProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InconclusiveProofError';
  }
}

/** A Query API answer already asked (and recorded) about one order of one intent. */
export interface AnsweredQuery {
  intentId: string;
  tradeNo: string;
  answer: QueryResult;
}

/**
 * Reconciles one stored delivery with our books. Nothing in a notification is trusted as such:
 *
 * 1. a `sign` that matched no account (`invalid`) is never applied: exception `invalid_signature`;
 * 2. a claim already applied by an earlier delivery with the same dedupe key is a `duplicate`;
 * 3. the claim is matched to an intent by tradeNo (live, else superseded), else by Vexora's
 *    platform trade number; no match is the exception `unknown_trade_no` (an orphan payment when
 *    it claims 0000/0001);
 * 4. proof: a valid signature from the intent's own account is enough when that account is
 *    configured with `trustSignedNotifications`; otherwise (and always for unsigned deliveries)
 *    the Query API is asked and ITS answer is applied. An answer that proves nothing (refused,
 *    busy, timeout) throws, so BullMQ retries with backoff; "no such order", or a final claim the
 *    query contradicts (status or amount), is the exception `unconfirmed_claim`;
 * 5. the proven status goes through `applyGatewayStatus`.
 *
 * The row's `processed_at`, `outcome`, `intent_id` and `attempts` are written in the same
 * transaction as the state change or the exception, after locking the row and checking it is
 * still unprocessed: a job retried after a crash, or run twice at once, applies nothing twice.
 *
 * Most deliveries are the first news of an AWAITING_PAYMENT intent's outcome: those take a fast
 * path (`reconcileFast`) of two plain SQL statements shared with concurrent jobs; anything else,
 * or anything the fast path's guard finds changed, takes the general path below, which records
 * exceptions and reaches every branch of the state machine. Both paths reach the same result.
 */
export async function reconcileNotification(
  deps: ReconcileDeps,
  notificationId: bigint,
): Promise<ReconcileResult> {
  const fast = await reconcileFast(deps, notificationId);
  if ('result' in fast) return fast.result;
  return generalPathLimiter(deps).run(() => reconcileInFull(deps, notificationId, fast.answered));
}

const generalPathLimiters = new WeakMap<object, Limiter>();

/**
 * The general path holds a database connection through each of its short transactions and runs
 * about a dozen statements: at most half the pool's connections' worth of notifications take it
 * at once (per database handle), so that a flood of duplicates or forgeries waits its turn
 * instead of starving the submit path and the fast path of connections.
 */
function generalPathLimiter(deps: Pick<ReconcileDeps, 'prisma' | 'pool'>): Limiter {
  const handle: object = deps.pool ?? deps.prisma;
  let limiter = generalPathLimiters.get(handle);
  if (!limiter) {
    limiter = createLimiter(Math.max(1, Math.floor((deps.pool?.options.max ?? 20) / 2)));
    generalPathLimiters.set(handle, limiter);
  }
  return limiter;
}

/**
 * The fast path: one statement loads the row with the intent using its tradeNo; when that intent
 * is AWAITING_PAYMENT, the claim is proven as on the general path (a trusted signature or the
 * Query API, judged by `judgeClaim`) and, when the proven status is one the state machine applies
 * without judgement (see `FastApply`), one statement writes the query's audit row, the change,
 * its history row and the finished notification. Otherwise it hands over to the general path,
 * with the Query API's answer (already recorded) so that Vexora is not asked twice. Exported for
 * the tests, which check that both paths write the same rows.
 */
export async function reconcileFast(
  deps: ReconcileDeps,
  notificationId: bigint,
): Promise<{ result: ReconcileResult } | { answered?: AnsweredQuery | undefined }> {
  const store = reconcileStoreFor(deps);
  const row = await store.load(notificationId.toString());
  const candidate = fastCandidate(row);
  if (!candidate) return {};
  const account = deps.accounts.find((entry) => entry.id === candidate.intentAccountId);
  if (!account) return {};
  const target = {
    intentId: candidate.intentId,
    generation: candidate.generation,
    tradeNo: candidate.tradeNo,
  };
  const trusted =
    candidate.signature === 'valid' &&
    candidate.accountId === account.id &&
    account.trustSignedNotifications === true;
  let proven: ProvenStatus;
  let attempt: AttemptColumns | null = null;
  let answered: AnsweredQuery | undefined;
  if (trusted) {
    proven = {
      status: candidate.status,
      amount: candidate.amount,
      platformTradeNo: candidate.platformTradeNo,
      message: null,
    };
  } else {
    const answer = await deps.gatewayFor(account).query(candidate.tradeNo);
    attempt = attemptColumns({ ...target, kind: 'query', result: answer });
    answered = { intentId: target.intentId, tradeNo: target.tradeNo, answer };
    const verdict = judgeClaim(candidate.status, candidate.amount, answer);
    if (verdict.kind === 'inconclusive') {
      await store.recordInconclusive(candidate.id, attempt);
      throw inconclusive(notificationId, verdict.why);
    }
    if (verdict.kind === 'contradicted') {
      await store.recordAttempt(attempt);
      return { answered };
    }
    proven = {
      status: verdict.found.status.code,
      amount: verdict.found.amount,
      platformTradeNo: verdict.found.platFormTradeNo,
      message: verdict.found.message ?? null,
    };
  }
  const now = (deps.now ?? (() => new Date()))();
  const plan = planFastApply(candidate, proven, trusted ? 'notification' : 'query', now);
  if (!plan) {
    if (attempt) await store.recordAttempt(attempt);
    return { answered };
  }
  // The statement writes the audit row whether or not its guard holds.
  if (!(await store.apply({ ...plan, attempt }))) return { answered };
  return {
    result: {
      notificationId: notificationId.toString(),
      outcome: 'applied',
      proof: trusted ? 'signature' : 'query',
      intentId: candidate.intentId,
      exceptions: [],
      signature: candidate.signature,
      processedNow: true,
      lagMs: now.getTime() - new Date(candidate.receivedAt).getTime(),
    },
  };
}

interface ProvenStatus {
  status: string;
  amount: string | null;
  platformTradeNo: string | null;
  message: string | null;
}

type FastCandidate = LoadedNotification & {
  status: string;
  tradeNo: string;
  intentId: string;
  intentAccountId: string;
  generation: number;
};

/** A row the fast path may take: unprocessed, not forged, a status, a live AWAITING_PAYMENT intent. */
function fastCandidate(row: LoadedNotification | null): FastCandidate | null {
  if (!row || row.processed || row.signature === 'invalid') return null;
  const { status, tradeNo, intentId, intentAccountId, generation } = row;
  if (status === null || tradeNo === null || intentId === null || intentAccountId === null) return null;
  if (generation === null || row.intentState !== 'AWAITING_PAYMENT') return null;
  return { ...row, status, tradeNo, intentId, intentAccountId, generation };
}

/**
 * The change applyGatewayStatus would make to an AWAITING_PAYMENT intent whose live tradeNo the
 * proven status is about, when it needs no judgement: null for a non-final status and for an
 * amount that cannot be a payment (the general path records those). The guards that depend on
 * the intent's row (its amount, its payment link) are the statement's.
 */
function planFastApply(
  candidate: FastCandidate,
  proven: ProvenStatus,
  source: 'notification' | 'query',
  now: Date,
): Omit<FastApply, 'attempt'> | null {
  const status = classifyGatewayStatus(proven.status);
  if (!status.final) return null;
  const cents = decimalCents(proven.amount);
  let to: FastApply['to'];
  switch (status.outcome) {
    case 'paid':
      if (cents === null) return null;
      to = 'PAID';
      break;
    case 'partially_paid':
      if (cents === null || cents <= 0n) return null;
      to = 'PARTIALLY_PAID';
      break;
    case 'failed':
    case 'processing': // (not final: returned above)
      to = 'FAILED';
  }
  const notificationId = BigInt(candidate.id);
  return {
    notificationId: candidate.id,
    intentId: candidate.intentId,
    tradeNo: candidate.tradeNo,
    to,
    reported: cents === null ? null : formatCents(cents),
    gatewayStatus: proven.status,
    platformTradeNo: proven.platformTradeNo || null,
    lastErrorCode: to === 'FAILED' ? proven.status.slice(0, 32) : null,
    lastErrorMessage: to === 'FAILED' ? (proven.message ?? status.description) : null,
    reason: `gateway.${to.toLowerCase()}`,
    details: transitionDetails({
      source,
      tradeNo: candidate.tradeNo,
      status: proven.status,
      amount: proven.amount,
      notificationId,
    }),
    now,
  };
}

const inconclusive = (notificationId: bigint, why: string) =>
  new InconclusiveProofError(`query for notification ${notificationId} proved nothing (${why}); retrying`);

/** The general path: every branch, through Prisma and the state machine. */
async function reconcileInFull(
  deps: ReconcileDeps,
  notificationId: bigint,
  answered: AnsweredQuery | undefined,
): Promise<ReconcileResult> {
  const now = deps.now ?? (() => new Date());
  const notification = await deps.prisma.gatewayNotification.findUnique({ where: { id: notificationId } });
  if (!notification) throw new Error(`gateway_notification ${notificationId} does not exist`);
  const base = {
    notificationId: notificationId.toString(),
    signature: notification.signature,
  };
  if (notification.processedAt) {
    return {
      ...base,
      outcome: (notification.outcome ?? 'no_change') as NotificationOutcome,
      proof: 'none',
      intentId: notification.intentId,
      exceptions: [],
      processedNow: false,
      lagMs: null,
    };
  }

  const scope = `notification:${notificationId}`;
  const claim = {
    tradeNo: notification.tradeNo,
    platformTradeNo: notification.platformTradeNo,
    status: notification.status,
    amount: notification.amount === null ? null : notification.amount.toFixed(2),
  };
  const claimEvidence: Prisma.InputJsonObject = {
    claim: { ...claim, signature: notification.signature, signedBy: notification.accountId },
  };
  const match = await matchTradeNo(deps.prisma, claim);
  const exceptionFor = (kind: ExceptionKind, extra: Prisma.InputJsonObject = {}): ExceptionRecord => ({
    kind,
    scope,
    intentId: match?.intentId ?? null,
    notificationId,
    tradeNo: claim.tradeNo,
    accountId: notification.accountId,
    reportedAmount: claim.amount,
    gatewayStatus: claim.status,
    evidence: { ...claimEvidence, ...extra },
  });
  const finish = (
    outcome: NotificationOutcome,
    proof: ReconcileResult['proof'],
    work?: (
      tx: Prisma.TransactionClient,
    ) => Promise<{ outcome: NotificationOutcome; exceptions: ExceptionKind[] }>,
  ) =>
    finishNotification(
      deps,
      notification,
      { ...base, outcome, proof, intentId: match?.intentId ?? null },
      now,
      work,
    );

  // 1. A signature that matched no account: never applied, whatever it claims.
  if (notification.signature === 'invalid') {
    return finish('rejected_signature', 'none', async (tx) => {
      await recordException(tx, exceptionFor('invalid_signature'));
      return { outcome: 'rejected_signature', exceptions: ['invalid_signature'] };
    });
  }

  // 2. The same claim already applied by an earlier delivery (Vexora's retries, a replay).
  const applied = await deps.prisma.gatewayNotification.findFirst({
    where: { dedupeKey: notification.dedupeKey, id: { not: notification.id }, outcome: 'applied' },
    select: { id: true },
  });
  if (applied) return finish('duplicate', 'none');

  // 3. Whose order is it?
  if (!match) {
    const status = claim.status === null ? null : classifyGatewayStatus(claim.status);
    const orphanPayment = status?.outcome === 'paid' || status?.outcome === 'partially_paid';
    return finish('exception', 'none', async (tx) => {
      await recordException(tx, exceptionFor('unknown_trade_no', { orphanPayment }));
      return { outcome: 'exception', exceptions: ['unknown_trade_no'] };
    });
  }
  const intent = await deps.prisma.checkoutIntent.findUniqueOrThrow({
    where: { id: match.intentId },
    select: { accountId: true },
  });
  const account = deps.accounts.find((candidate) => candidate.id === intent.accountId);
  if (!account) {
    // Configuration, not evidence: retried (and picked up again by the straggler sweep) until fixed.
    throw new InconclusiveProofError(`merchant account ${intent.accountId} is not configured`);
  }
  if (claim.status === null) {
    return finish('exception', 'none', async (tx) => {
      await recordException(tx, exceptionFor('unconfirmed_claim', { why: 'no status in the body' }));
      return { outcome: 'exception', exceptions: ['unconfirmed_claim'] };
    });
  }

  // 4. Proof.
  const trusted =
    notification.signature === 'valid' &&
    notification.accountId === account.id &&
    account.trustSignedNotifications === true;
  let report: GatewayStatusReport;
  if (trusted) {
    report = toReport(match, {
      status: claim.status,
      amount: claim.amount,
      platformTradeNo: claim.platformTradeNo,
      source: 'notification',
      scope,
      notificationId,
      evidence: claimEvidence,
    });
  } else {
    // The fast path's answer about this very order (already recorded), else a query of our own.
    const answer =
      answered?.intentId === match.intentId && answered.tradeNo === match.tradeNo
        ? answered.answer
        : await queryAndRecord(deps.prisma, deps.gatewayFor(account), match);
    const verdict = judgeClaim(claim.status, claim.amount, answer);
    if (verdict.kind === 'inconclusive') {
      await deps.prisma.gatewayNotification.update({
        where: { id: notification.id },
        data: { attempts: { increment: 1 } },
      });
      throw inconclusive(notificationId, verdict.why);
    }
    const queryEvidence = describeAnswer(answer);
    if (verdict.kind === 'contradicted') {
      return finish('exception', 'query', async (tx) => {
        await recordException(
          tx,
          exceptionFor('unconfirmed_claim', { why: verdict.why, query: queryEvidence }),
        );
        return { outcome: 'exception', exceptions: ['unconfirmed_claim'] };
      });
    }
    report = toReport(match, {
      status: verdict.found.status.code,
      amount: verdict.found.amount,
      platformTradeNo: verdict.found.platFormTradeNo,
      message: verdict.found.message ?? null,
      source: 'query',
      scope,
      notificationId,
      evidence: { ...claimEvidence, query: queryEvidence },
    });
  }

  // 5. The state machine.
  const proof = trusted ? 'signature' : 'query';
  const result = await finish('no_change', proof, async (tx) => {
    const applied = await applyGatewayStatus(tx, report, now());
    return { outcome: applied.outcome, exceptions: applied.exceptions };
  });
  if (result.outcome === 'superseded' && result.processedNow) {
    // Wake the relay now rather than at its next poll (outside the transaction, like the api).
    await deps.prisma.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).catch(() => undefined);
  }
  return result;
}

function toReport(
  match: TradeNoMatch,
  input: {
    status: string;
    amount: string | null;
    platformTradeNo: string | null;
    message?: string | null;
    source: 'notification' | 'query';
    scope: string;
    notificationId: bigint;
    evidence: Prisma.InputJsonObject;
  },
): GatewayStatusReport {
  return {
    intentId: match.intentId,
    tradeNo: match.tradeNo,
    status: input.status,
    amount: input.amount,
    platformTradeNo: input.platformTradeNo,
    message: input.message ?? null,
    source: input.source,
    actor: 'reconcile',
    exceptionScope: input.scope,
    notificationId: input.notificationId,
    evidence: input.evidence,
  };
}

type Verdict =
  | { kind: 'confirmed'; found: Extract<QueryResult, { outcome: 'found' }> }
  | { kind: 'contradicted'; why: string }
  | { kind: 'inconclusive'; why: string };

/**
 * Does the Query API's answer back the claim? A final claim (paid, partial, failed) must match
 * the query's status, and for payments its amount. A non-final claim (0015) contradicts nothing:
 * the query's answer, whatever it is, is then applied as the newer truth.
 */
export function judgeClaim(status: string, amount: string | null, answer: QueryResult): Verdict {
  switch (answer.outcome) {
    case 'found': {
      const claimed = classifyGatewayStatus(status);
      if (!claimed.final) return { kind: 'confirmed', found: answer };
      if (answer.status.code !== status) {
        return { kind: 'contradicted', why: `claimed ${status}, Vexora reports ${answer.status.code}` };
      }
      if (
        (claimed.outcome === 'paid' || claimed.outcome === 'partially_paid') &&
        decimalCents(amount) !== decimalCents(answer.amount)
      ) {
        return { kind: 'contradicted', why: `claimed amount ${amount}, Vexora reports ${answer.amount}` };
      }
      return { kind: 'confirmed', found: answer };
    }
    case 'not_found':
      return { kind: 'contradicted', why: 'Vexora holds no order with this tradeNo' };
    case 'rejected':
      return { kind: 'inconclusive', why: `query refused with code ${answer.code}` };
    case 'retryable':
    case 'unknown':
      return { kind: 'inconclusive', why: answer.reason };
  }
}

function describeAnswer(answer: QueryResult): Prisma.InputJsonObject {
  switch (answer.outcome) {
    case 'found':
      return {
        outcome: answer.outcome,
        status: answer.status.code,
        amount: answer.amount,
        platformTradeNo: answer.platFormTradeNo,
        ...(answer.successTime ? { successTime: answer.successTime } : {}),
      };
    case 'not_found':
    case 'rejected':
      return {
        outcome: answer.outcome,
        code: answer.code,
        ...(answer.message ? { message: answer.message } : {}),
      };
    case 'retryable':
    case 'unknown':
      return { outcome: answer.outcome, reason: answer.reason };
  }
}

async function finishNotification(
  deps: ReconcileDeps,
  notification: GatewayNotification,
  planned: Omit<ReconcileResult, 'exceptions' | 'processedNow' | 'lagMs'>,
  now: () => Date,
  work?: (
    tx: Prisma.TransactionClient,
  ) => Promise<{ outcome: NotificationOutcome; exceptions: ExceptionKind[] }>,
): Promise<ReconcileResult> {
  return deps.prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ processed_at: Date | null; outcome: string | null }[]>`
      SELECT processed_at, outcome FROM gateway_notification WHERE id = ${notification.id} FOR UPDATE`;
    const row = rows[0];
    if (!row || row.processed_at) {
      // Another run finished it while this one was asking Vexora: keep its conclusion.
      return {
        ...planned,
        outcome: (row?.outcome ?? planned.outcome) as NotificationOutcome,
        exceptions: [],
        processedNow: false,
        lagMs: null,
      };
    }
    const done = work ? await work(tx) : { outcome: planned.outcome, exceptions: [] };
    const processedAt = now();
    await tx.gatewayNotification.update({
      where: { id: notification.id },
      data: {
        processedAt,
        outcome: done.outcome,
        intentId: planned.intentId,
        attempts: { increment: 1 },
      },
    });
    return {
      ...planned,
      outcome: done.outcome,
      exceptions: done.exceptions,
      processedNow: true,
      lagMs: processedAt.getTime() - notification.receivedAt.getTime(),
    };
  });
}
