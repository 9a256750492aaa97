import type { Currency } from '@vexora-checkout/contracts';
import type { NotificationDelivery } from '../notifications/notification-scheduler.js';
import type { Settlement } from '../scenario/choose-settlement.js';

/** The statuses the sandbox sets (see GATEWAY_STATUSES in @vexora-checkout/contracts). */
export type SandboxStatus = '0015' | '0000' | '0001' | '00029';

/**
 * One order as the sandbox holds it: its TRUE state, which the ledger shows and the Query API
 * answers. Payer details (names, mobile, email) are validated and then dropped: a simulator has
 * no use for them, and what is not kept cannot leak.
 */
export interface SandboxOrder {
  merchantNo: string;
  currency: Currency;
  tradeNo: string;
  platFormTradeNo: string;
  /** Secret part of the payment link. */
  token: string;
  /** As the merchant sent it (echoed in answers and notifications). */
  amount: string;
  amountMinor: bigint;
  /** What was paid: the amount for 0000, less for 0001, unset otherwise. */
  paidMinor?: bigint;
  status: SandboxStatus;
  channelCode: string;
  wayCode: string;
  remark: string;
  notifyUrl: string;
  returnUrl: string;
  // The payment link and the KHQR are not kept: both derive from the fields here (see
  // SandboxGateway.paymentLinkOf and payInfoOf), which saves a third of an order's memory.
  createdAt: number;
  settledAt?: number;
  settledBy?: 'cashier' | 'auto' | 'admin';
  /** What the scenario planned for it at creation, if auto-settlement was on. */
  autoSettle?: { outcome: Settlement; at: number };
  notifications: NotificationDelivery[];
}
