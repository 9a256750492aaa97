import { classifyGatewayStatus, formatMinorUnits } from '@vexora-checkout/contracts';
import type { SandboxOrder } from './sandbox-order.js';

const iso = (epochMs: number | undefined) => (epochMs === undefined ? null : new Date(epochMs).toISOString());

/**
 * An order as the ledger shows it: its true state, amounts, and every notification attempt. The
 * payment link and KHQR are derived by the gateway and passed in.
 */
export function describeOrder(
  order: SandboxOrder,
  derived: { paymentLink: string; payInfo: string | undefined },
) {
  const status = classifyGatewayStatus(order.status);
  return {
    merchantNo: order.merchantNo,
    tradeNo: order.tradeNo,
    platFormTradeNo: order.platFormTradeNo,
    status: order.status,
    outcome: status.outcome,
    final: status.final,
    currency: order.currency,
    amount: order.amount,
    paidAmount: order.paidMinor === undefined ? null : formatMinorUnits(order.paidMinor, order.currency),
    channelCode: order.channelCode,
    wayCode: order.wayCode,
    remark: order.remark,
    notifyUrl: order.notifyUrl,
    returnUrl: order.returnUrl,
    paymentLink: derived.paymentLink,
    payInfo: derived.payInfo ?? null,
    createdAt: iso(order.createdAt),
    settledAt: iso(order.settledAt),
    settledBy: order.settledBy ?? null,
    autoSettle: order.autoSettle ? { outcome: order.autoSettle.outcome, at: iso(order.autoSettle.at) } : null,
    notifications: order.notifications.map((delivery) => ({
      kind: delivery.kind,
      status: delivery.payload.status ?? null,
      amount: delivery.payload.amount ?? null,
      state: delivery.state,
      nextAttemptAt: iso(delivery.nextAttemptAt),
      attempts: delivery.attempts.map((attempt) => ({
        at: iso(attempt.at),
        outcome: attempt.outcome,
        httpStatus: attempt.httpStatus ?? null,
        detail: attempt.detail ?? null,
      })),
    })),
  };
}

export type OrderDescription = ReturnType<typeof describeOrder>;
