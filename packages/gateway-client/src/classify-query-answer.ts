import {
  classifyBusinessCode,
  classifyGatewayStatus,
  isQueryNotFound,
  type QueryResponse,
} from '@vexora-checkout/contracts';
import { findNumberLiteral } from './find-number-literal.js';
import type { GatewayAudit, QueryResult } from './gateway-results.js';
import { optional } from './optional-member.js';

/**
 * The result of a query answer that was read, parsed and (when signed) verified. Only the
 * explicit not-found answer (`isQueryNotFound`) says that no order exists; every other failure
 * proves nothing about the order.
 */
export function classifyQueryAnswer(
  answer: { envelope: QueryResponse; value: Record<string, unknown>; text: string; retryAfterMs?: number },
  sent: { tradeNo: string },
  audit: GatewayAudit,
): QueryResult {
  const { envelope } = answer;
  const message = envelope.msg ?? envelope.data?.message;
  if (isQueryNotFound(envelope.code, message)) {
    return { outcome: 'not_found', code: envelope.code, ...optional('message', message), audit };
  }
  const business = classifyBusinessCode(envelope.code);
  switch (business.outcome) {
    case 'accepted': {
      const data = envelope.data;
      if (!data?.platFormTradeNo || !data.status || data.amount === undefined || data.amount === '') {
        audit.error = 'code 0000 without data.platFormTradeNo, data.status or data.amount';
        return { outcome: 'unknown', reason: 'unparseable', audit };
      }
      if (data.tradeNo !== undefined && data.tradeNo !== sent.tradeNo) {
        audit.error = `the answer is about tradeNo ${data.tradeNo}, not ${sent.tradeNo}`;
        return { outcome: 'unknown', reason: 'unparseable', audit };
      }
      return {
        outcome: 'found',
        tradeNo: sent.tradeNo,
        platFormTradeNo: data.platFormTradeNo,
        status: classifyGatewayStatus(data.status),
        amount: amountAsWritten(answer, data.amount),
        ...optional('successTime', data.successTime),
        ...optional('message', data.message),
        ...optional('remark', data.remark),
        audit,
      };
    }
    case 'retryable':
      return {
        outcome: 'retryable',
        reason: 'gateway_busy',
        ...optional('retryAfterMs', answer.retryAfterMs),
        audit,
      };
    case 'rejected':
      return {
        outcome: 'rejected',
        code: business.code,
        known: business.known,
        ...optional('message', message),
        audit,
      };
  }
}

/**
 * `data.amount` as Vexora wrote it. A string is already exact; a JSON number (`300.50`) has
 * been through a double (`300.5`), so its literal is looked up in the text.
 */
function amountAsWritten(
  answer: { value: Record<string, unknown>; text: string },
  canonical: string,
): string {
  const data = answer.value.data;
  const raw =
    typeof data === 'object' && data !== null ? (data as Record<string, unknown>).amount : undefined;
  if (typeof raw !== 'number') return canonical;
  return findNumberLiteral(answer.text, 'amount', raw) ?? canonical;
}
