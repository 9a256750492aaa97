import { runPreparedQuery, type PrismaClient } from '@vexora-checkout/db';
import type pg from 'pg';
import { claimSubmissions, type ClaimRequest, type ClaimResult } from './claim-submission.js';
import { createCoalescer, type Coalescer } from './create-coalescer.js';
import { finishSubmissions, recordAttemptRow, type FinishRequest } from './finish-submission.js';
import type { AttemptColumns } from './record-attempt.js';

/**
 * Runs one statement of the submit path and returns its rows. Every statement is a single
 * autocommit statement (no interactive transaction), with typed parameters and text, int,
 * boolean or timestamptz results only, so any runner returns the same values.
 */
export type SubmitSql = <Row>(text: string, values: readonly unknown[]) => Promise<Row[]>;

/** The database side of the submit path. */
export interface SubmitStore {
  sql: SubmitSql;
  claim(request: ClaimRequest): Promise<ClaimResult>;
  finish(request: FinishRequest): Promise<void>;
  recordAttempt(attempt: AttemptColumns): Promise<void>;
}

/**
 * Claims and finishes of concurrent jobs share statements (see create-coalescer.ts): one
 * statement, one commit and one WAL flush for a group instead of one each. Up to MAX_IN_FLIGHT
 * statements of a kind run at once; a group holds at most MAX_BATCH intents.
 */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 64;

const stores = new WeakMap<object, SubmitStore>();

/**
 * The store of the submit path, one per database handle (it holds the coalescers shared by all
 * of the process's jobs). Named prepared statements on the node-postgres pool under Prisma when
 * there is one (the hot path), else Prisma's raw queries on the same SQL (callers that only hold
 * a PrismaClient, such as some tests; more CPU per statement, same effects).
 */
export function submitStoreFor(deps: { prisma: PrismaClient; pool?: pg.Pool | undefined }): SubmitStore {
  const handle: object = deps.pool ?? deps.prisma;
  let store = stores.get(handle);
  if (!store) {
    const { pool, prisma } = deps;
    const sql: SubmitSql = pool
      ? (text, values) => runPreparedQuery(pool, text, values)
      : (text, values) => prisma.$queryRawUnsafe(text, ...values);
    store = createSubmitStore(sql);
    stores.set(handle, store);
  }
  return store;
}

export function createSubmitStore(
  sql: SubmitSql,
  limits: { maxBatch: number; maxInFlight: number } = { maxBatch: MAX_BATCH, maxInFlight: MAX_IN_FLIGHT },
): SubmitStore {
  const claims: Coalescer<ClaimRequest, ClaimResult> = createCoalescer({
    runBatch: (requests) => claimSubmissions(sql, requests),
    runOne: async (request) => (await claimSubmissions(sql, [request]))[0]!,
    keyOf: (request) => request.intentId,
    ...limits,
  });
  const finishes: Coalescer<FinishRequest, void> = createCoalescer({
    runBatch: async (requests) => {
      await finishSubmissions(sql, requests);
      return requests.map(() => undefined);
    },
    runOne: (request) => finishSubmissions(sql, [request]),
    keyOf: (request) => request.intent.id,
    ...limits,
  });
  return {
    sql,
    claim: (request) => claims.run(request),
    finish: (request) => finishes.run(request),
    recordAttempt: (attempt) => recordAttemptRow(sql, attempt),
  };
}
