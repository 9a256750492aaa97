import type { Prisma } from '@vexora-checkout/db';
import type { CheckoutResult, QueryResult } from '@vexora-checkout/gateway-client';

/** One exchange with Vexora, as the submit path and the sweeps describe it. */
export interface AttemptInput {
  intentId: string;
  generation: number;
  tradeNo: string;
  kind: 'checkout' | 'query';
  result: CheckoutResult | QueryResult;
}

/** The columns of a `submission_attempt` row (bodies already redacted by the client). */
export interface AttemptColumns {
  intentId: string;
  generation: number;
  tradeNo: string;
  kind: 'checkout' | 'query';
  outcome: string;
  reason: string | null;
  httpStatus: number | null;
  businessCode: string | null;
  gatewayStatus: string | null;
  message: string | null;
  latencyMs: number;
  requestBody: string;
  responseBody: string | null;
  error: string | null;
}

/** Writes the audit row of one exchange with Vexora (bodies already redacted by the client). */
export async function recordAttempt(db: Prisma.TransactionClient, input: AttemptInput): Promise<void> {
  await db.submissionAttempt.create({ data: attemptColumns(input) });
}

/** The row recordAttempt writes; the submit path writes the same row in plain SQL. */
export function attemptColumns(input: AttemptInput): AttemptColumns {
  const { result } = input;
  const details = describeResult(result);
  return {
    intentId: input.intentId,
    generation: input.generation,
    tradeNo: input.tradeNo,
    kind: input.kind,
    outcome: result.outcome,
    reason: details.reason ?? null,
    httpStatus: result.audit.httpStatus ?? null,
    businessCode: details.businessCode ?? null,
    gatewayStatus: details.gatewayStatus ?? null,
    message: details.message ?? null,
    latencyMs: result.audit.latencyMs,
    requestBody: result.audit.requestBody,
    responseBody: result.audit.responseBody ?? null,
    error: result.audit.error ?? null,
  };
}

function describeResult(result: CheckoutResult | QueryResult): {
  reason?: string;
  businessCode?: string;
  gatewayStatus?: string;
  message?: string;
} {
  switch (result.outcome) {
    case 'accepted':
      return {
        businessCode: '0000',
        gatewayStatus: result.status.code,
        ...(result.message ? { message: result.message } : {}),
      };
    case 'found':
      return {
        businessCode: '0000',
        gatewayStatus: result.status.code,
        ...(result.message ? { message: result.message } : {}),
      };
    case 'not_found':
    case 'rejected':
      return { businessCode: result.code, ...(result.message ? { message: result.message } : {}) };
    case 'retryable':
    case 'unknown':
      return { reason: result.reason };
  }
}
