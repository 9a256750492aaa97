import {
  classifyBusinessCode,
  classifyGatewayStatus,
  type CheckoutResponse,
} from '@vexora-checkout/contracts';
import type { CheckoutResult, GatewayAudit } from './gateway-results.js';
import { optional } from './optional-member.js';

/**
 * The result of a checkout answer that was read, parsed and (when signed) verified. `code` speaks
 * of the request: `0000` accepted (the order's own state is `data.status`), `5000` busy,
 * `8000` refused, anything else refused with the raw code kept.
 */
export function classifyCheckoutAnswer(
  envelope: CheckoutResponse,
  sent: { tradeNo: string },
  audit: GatewayAudit,
  retryAfterMs?: number,
): CheckoutResult {
  const business = classifyBusinessCode(envelope.code);
  switch (business.outcome) {
    case 'accepted': {
      const data = envelope.data;
      if (data?.platFormTradeNo === undefined || data.platFormTradeNo === '' || !data.status) {
        audit.error = 'code 0000 without data.platFormTradeNo or data.status';
        return { outcome: 'unknown', reason: 'unparseable', audit };
      }
      if (data.tradeNo !== undefined && data.tradeNo !== sent.tradeNo) {
        // An answer about another order proves nothing about ours.
        audit.error = `the answer is about tradeNo ${data.tradeNo}, not ${sent.tradeNo}`;
        return { outcome: 'unknown', reason: 'unparseable', audit };
      }
      return {
        outcome: 'accepted',
        tradeNo: sent.tradeNo,
        platFormTradeNo: data.platFormTradeNo,
        status: classifyGatewayStatus(data.status),
        ...optional('paymentLink', data.paymentLink),
        ...optional('payInfo', data.payInfo),
        ...optional('message', data.message),
        ...optional('remark', data.remark),
        audit,
      };
    }
    case 'retryable':
      return {
        outcome: 'retryable',
        reason: 'gateway_busy',
        ...optional('retryAfterMs', retryAfterMs),
        audit,
      };
    case 'rejected':
      return {
        outcome: 'rejected',
        code: business.code,
        known: business.known,
        ...optional('message', envelope.msg ?? envelope.data?.message),
        audit,
      };
  }
}
