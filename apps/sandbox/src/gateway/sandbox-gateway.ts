import { randomBytes, randomUUID } from 'node:crypto';
import {
  formatMinorUnits,
  parseAmount,
  QUERY_NOT_FOUND,
  type VexoraAccount,
} from '@vexora-checkout/contracts';
import type { Logger } from '@vexora-checkout/runtime';
import { signFields } from '@vexora-checkout/signing';
import type { Clock } from '../clock/create-system-clock.js';
import { PendingTimers } from '../clock/pending-timers.js';
import { NotificationScheduler, type NotificationDelivery } from '../notifications/notification-scheduler.js';
import { NOTIFY_RETRY_DELAYS_MS } from '../notifications/notify-retry-delays.js';
import type { PostNotification } from '../notifications/post-notification.js';
import { chooseFault, type Fault } from '../scenario/choose-fault.js';
import { chooseNotificationDelay } from '../scenario/choose-notification-delay.js';
import { chooseSettlement, type Settlement } from '../scenario/choose-settlement.js';
import { createSeededRandom, type Random } from '../scenario/create-seeded-random.js';
import { sampleLatency } from '../scenario/sample-latency.js';
import type { GatewayEndpoint, Scenario } from '../scenario/scenario-schema.js';
import { buildPayInfo } from './build-pay-info.js';
import { describeOrder, type OrderDescription } from './describe-order.js';
import { formatPhnomPenhTime } from './format-phnom-penh-time.js';
import { OrderStore } from './order-store.js';
import type { SandboxOrder, SandboxStatus } from './sandbox-order.js';
import { KHQR_CHANNEL, validateCheckoutRequest } from './validate-checkout-request.js';
import { validateQueryRequest } from './validate-query-request.js';

/** The contract's answer envelope. `timestamp` is a number and `success` a boolean, as in the seed. */
export interface GatewayEnvelope {
  msg: string;
  code: string;
  timestamp: number;
  success: boolean;
  data: Record<string, string> | null;
}

export interface CheckoutOutcome {
  envelope: GatewayEnvelope;
  /** The order this call created, if it did. */
  created?: SandboxOrder;
}

export type SettleRequest =
  { outcome: 'paid' } | { outcome: 'partial'; amount?: string } | { outcome: 'failed' };

export type SettleResult = { ok: true; order: SandboxOrder } | { ok: false; message: string };

export interface SandboxGatewayOptions {
  accounts: readonly VexoraAccount[];
  clock: Clock;
  /** Seeds the random source of faults, latencies and settlements (reset reseeds it). */
  seed: number;
  /** The scenario at start (reset returns to it). */
  scenario: Scenario;
  /** Orders held at most; see `checkout`. */
  maxOrders: number;
  /** Base of payment links, e.g. `http://127.0.0.1:4100` (known only once the server listens). */
  publicUrl: () => string;
  notifications: {
    post: PostNotification;
    timeScale: number;
    timeoutMs: number;
    retryDelaysMs?: readonly number[];
  };
  logger: Logger;
}

/** Status messages, as `data.message` and the notifications' `message` carry them. */
const STATUS_MESSAGE: Record<SandboxStatus, string> = {
  '0015': 'Processing',
  '0000': 'Success',
  '0001': 'Partial payment',
  '00029': 'Failed',
};

/**
 * The simulated gateway: merchants, orders and their true state, the scenario (faults, latency,
 * auto-settlement, notification quirks) and the notifications. HTTP-free, so its rules are unit
 * tested with a fake clock; the routes in `http/` only carry requests to it.
 */
export class SandboxGateway {
  readonly seed: number;
  readonly #options: SandboxGatewayOptions;
  readonly #accounts: ReadonlyMap<string, VexoraAccount>;
  readonly #orders: OrderStore;
  /** Auto-settlements: cancelled by reset and stop. */
  readonly #timers: PendingTimers;
  /** Delayed and held answers: cancelled (their connections destroyed) only by stop. */
  readonly #answerTimers: PendingTimers;
  readonly #retryDelaysMs: readonly number[];
  readonly #notifier: NotificationScheduler;
  readonly #deliveryOrder = new WeakMap<NotificationDelivery, SandboxOrder>();
  /** Per-process prefix plus a counter: platform numbers never repeat, even across resets. */
  readonly #platformPrefix = `vx${randomBytes(4).readUInt32BE().toString(36).padStart(7, '0')}`;
  #platformCounter = 0;
  #scenario: Scenario;
  #random: Random;

  constructor(options: SandboxGatewayOptions) {
    this.#options = options;
    this.seed = options.seed;
    this.#accounts = new Map(options.accounts.map((account) => [account.merchantNo, account]));
    this.#orders = new OrderStore(options.maxOrders);
    this.#timers = new PendingTimers(options.clock);
    this.#answerTimers = new PendingTimers(options.clock);
    this.#retryDelaysMs = options.notifications.retryDelaysMs ?? NOTIFY_RETRY_DELAYS_MS;
    this.#scenario = options.scenario;
    this.#random = createSeededRandom(options.seed);
    this.#notifier = new NotificationScheduler({
      clock: options.clock,
      post: options.notifications.post,
      retryDelaysMs: this.#retryDelaysMs,
      timeScale: options.notifications.timeScale,
      timeoutMs: options.notifications.timeoutMs,
      logger: options.logger,
      onAcknowledged: (delivery) => this.#afterAcknowledged(delivery),
    });
  }

  get scenario(): Scenario {
    return this.#scenario;
  }

  set scenario(scenario: Scenario) {
    this.#scenario = scenario;
  }

  get orderCount(): number {
    return this.#orders.size;
  }

  get maxOrders(): number {
    return this.#orders.capacity;
  }

  /** The fault this gateway call suffers, if any (one random draw when faults are set). */
  chooseFault(endpoint: GatewayEndpoint): Fault | undefined {
    return chooseFault(this.#scenario.faults, endpoint, this.#random);
  }

  /** How long to wait before answering this call. */
  chooseLatency(): number {
    return sampleLatency(this.#scenario.latencyMs, this.#random);
  }

  /** The answer of the `code 5000` fault: a system exception, nothing done. */
  systemException(): GatewayEnvelope {
    return this.#failure('5000', 'system exception (simulated by the sandbox scenario)');
  }

  /** A `8000` answer for a request that cannot be read at all (not JSON, too large). */
  rejection(message: string): GatewayEnvelope {
    return this.#failure('8000', message);
  }

  /**
   * `POST /v1/vexora/checkout`. Rejections answer `8000` with every problem named; a tradeNo the
   * merchant already used is rejected, never replayed. When the store is full, `5000`: the
   * sandbox cannot take the order now (retryable by the contract), and evicting old orders
   * instead would make it answer "does not exist" for orders that do, and accept their
   * tradeNos again, the two facts a client must be able to rely on.
   */
  checkout(merchantNo: string | undefined, body: unknown): CheckoutOutcome {
    const account = this.#account(merchantNo);
    if (typeof account === 'string') return { envelope: this.#failure('8000', account) };
    const validation = validateCheckoutRequest(body, account);
    if (!validation.ok) return { envelope: this.#failure('8000', validation.message) };
    const { request } = validation;
    if (this.#orders.get(account.merchantNo, request.tradeNo)) {
      return {
        envelope: this.#failure(
          '8000',
          `tradeNo ${request.tradeNo} already exists for merchant ${account.merchantNo}: duplicate order`,
        ),
      };
    }
    if (this.#orders.isFull()) {
      return {
        envelope: this.#failure(
          '5000',
          `the sandbox holds its maximum of ${this.#orders.capacity} orders (SANDBOX_MAX_ORDERS); ` +
            'POST /_sandbox/reset clears them',
        ),
      };
    }
    const now = this.#options.clock.now();
    const token = randomUUID().replaceAll('-', '');
    const order: SandboxOrder = {
      merchantNo: account.merchantNo,
      currency: validation.currency,
      tradeNo: request.tradeNo,
      platFormTradeNo: `${this.#platformPrefix}${(this.#platformCounter += 1).toString(36).padStart(8, '0')}`,
      token,
      amount: request.amount,
      amountMinor: validation.amountMinor,
      status: '0015',
      channelCode: request.channelCode,
      wayCode: request.wayCode,
      remark: request.remark,
      notifyUrl: request.notifyUrl,
      returnUrl: request.returnUrl,
      createdAt: now,
      notifications: [],
    };
    this.#orders.add(order);
    this.#planAutoSettlement(order);
    this.#options.logger.debug(
      { merchantNo: order.merchantNo, tradeNo: order.tradeNo, platFormTradeNo: order.platFormTradeNo },
      'order created',
    );
    const data: Record<string, string> = {
      tradeNo: order.tradeNo,
      platFormTradeNo: order.platFormTradeNo,
      status: order.status,
      message: STATUS_MESSAGE[order.status],
      remark: order.remark,
      paymentLink: this.paymentLinkOf(order),
    };
    const payInfo = this.payInfoOf(order);
    if (payInfo !== undefined) data.payInfo = payInfo;
    return { envelope: this.#success(data), created: order };
  }

  /**
   * `POST /v1/vexora/queryPayInResult`: the order's true current state. An unknown tradeNo
   * answers the contracts' explicit not-found (`QUERY_NOT_FOUND`: code 8000, "order does not
   * exist"), the one answer that proves there is no such order.
   */
  query(merchantNo: string | undefined, body: unknown): GatewayEnvelope {
    const account = this.#account(merchantNo);
    if (typeof account === 'string') return this.#failure('8000', account);
    const validation = validateQueryRequest(body, account);
    if (!validation.ok) return this.#failure('8000', validation.message);
    const order = this.#orders.get(account.merchantNo, validation.request.tradeNo);
    if (!order) return this.#failure(QUERY_NOT_FOUND.code, QUERY_NOT_FOUND.sandboxMessage);
    const data: Record<string, string> = {
      tradeNo: order.tradeNo,
      platFormTradeNo: order.platFormTradeNo,
      status: order.status,
      amount: reportedAmount(order),
      message: STATUS_MESSAGE[order.status],
      remark: order.remark,
    };
    if (order.settledAt !== undefined && (order.status === '0000' || order.status === '0001')) {
      data.successTime = formatPhnomPenhTime(order.settledAt);
    }
    return this.#success(data);
  }

  /** The hosted cashier's URL for the order (`data.paymentLink`). */
  paymentLinkOf(order: SandboxOrder): string {
    return `${this.#options.publicUrl()}/pay?token=${order.token}`;
  }

  /** The order's KHQR (`data.payInfo`), for the KHQR channel only; the same string every time. */
  payInfoOf(order: SandboxOrder): string | undefined {
    return order.channelCode === KHQR_CHANNEL ? buildPayInfo(order) : undefined;
  }

  /** The order as the ledger and the cashier page show it. */
  describe(order: SandboxOrder): OrderDescription {
    return describeOrder(order, { paymentLink: this.paymentLinkOf(order), payInfo: this.payInfoOf(order) });
  }

  findByToken(token: string): SandboxOrder | undefined {
    return this.#orders.getByToken(token);
  }

  findOrder(merchantNo: string, tradeNo: string): SandboxOrder | undefined {
    return this.#orders.get(merchantNo, tradeNo);
  }

  /** Orders in creation order, optionally only one merchant's or one tradeNo's. */
  *orders(filter: { merchantNo?: string; tradeNo?: string } = {}): Generator<SandboxOrder> {
    for (const order of this.#orders.values()) {
      if (filter.merchantNo !== undefined && order.merchantNo !== filter.merchantNo) continue;
      if (filter.tradeNo !== undefined && order.tradeNo !== filter.tradeNo) continue;
      yield order;
    }
  }

  /**
   * Settles a processing order (the cashier page's buttons, the admin API, auto-settlement) and
   * sends its notification. A final order never changes again, as at Vexora. A partial payment
   * pays less than the amount; paying the whole amount "partially" is a full payment.
   */
  settle(
    order: SandboxOrder,
    request: SettleRequest,
    by: NonNullable<SandboxOrder['settledBy']>,
  ): SettleResult {
    if (order.status !== '0015') {
      return { ok: false, message: `the order is already settled (status ${order.status})` };
    }
    let status: SandboxStatus;
    let paidMinor: bigint | undefined;
    switch (request.outcome) {
      case 'paid':
        status = '0000';
        paidMinor = order.amountMinor;
        break;
      case 'failed':
        status = '00029';
        break;
      case 'partial': {
        if (request.amount === undefined) {
          return { ok: false, message: 'a partial payment needs an amount' };
        }
        const amount = parseAmount(request.amount, order.currency);
        if (!amount.ok) return { ok: false, message: `amount ${amount.message}` };
        if (amount.minor > order.amountMinor) {
          return {
            ok: false,
            message: `amount must not exceed the order's ${order.amount} ${order.currency}`,
          };
        }
        paidMinor = amount.minor;
        status = amount.minor === order.amountMinor ? '0000' : '0001';
        break;
      }
    }
    order.status = status;
    order.paidMinor = paidMinor;
    order.settledAt = this.#options.clock.now();
    order.settledBy = by;
    this.#options.logger.debug(
      { merchantNo: order.merchantNo, tradeNo: order.tradeNo, status, by },
      'order settled',
    );
    this.#notify(order, 'final', this.#notificationPayload(order, status, reportedAmount(order)));
    return { ok: true, order };
  }

  /**
   * Forgets every order, cancels pending settlements and deliveries, and returns to the scenario
   * and the random sequence of the start.
   */
  async reset(): Promise<void> {
    this.#timers.cancelAll();
    await this.#notifier.cancelAll();
    this.#orders.clear();
    this.#scenario = this.#options.scenario;
    this.#random = createSeededRandom(this.seed);
  }

  /** Cancels every timer and aborts deliveries in flight; resolves once they have settled. */
  async stop(): Promise<void> {
    this.#answerTimers.cancelAll();
    this.#timers.cancelAll();
    await this.#notifier.cancelAll();
  }

  /** Delays an answer with the gateway's clock; stop cancels it, running `onCancel`. */
  later(delayMs: number, task: () => void, onCancel: () => void): void {
    this.#answerTimers.schedule(delayMs, task, onCancel);
  }

  #account(merchantNo: string | undefined): VexoraAccount | string {
    if (merchantNo === undefined || merchantNo === '') return 'merchantNo header is required';
    return this.#accounts.get(merchantNo) ?? `merchantNo ${merchantNo} is not a merchant of this gateway`;
  }

  #planAutoSettlement(order: SandboxOrder): void {
    const autoSettle = this.#scenario.autoSettle;
    if (!autoSettle) return;
    const outcome = chooseSettlement(autoSettle, this.#random);
    order.autoSettle = { outcome, at: order.createdAt + autoSettle.afterMs };
    if (outcome === 'silent') return;
    const { partialFraction } = autoSettle;
    this.#timers.schedule(autoSettle.afterMs, () => {
      if (order.status !== '0015') return; // paid or failed meanwhile: the payer was faster
      this.settle(order, settleRequest(order, outcome, partialFraction), 'auto');
    });
  }

  #notify(order: SandboxOrder, kind: NotificationDelivery['kind'], payload: Record<string, string>): void {
    const delivery: NotificationDelivery = {
      kind,
      url: order.notifyUrl,
      payload,
      state: 'scheduled',
      attempts: [],
      // Only the real notification is retried; the scenario's extra copies are sent once.
      maxRetries: kind === 'final' ? this.#retryDelaysMs.length : 0,
    };
    order.notifications.push(delivery);
    this.#deliveryOrder.set(delivery, order);
    this.#notifier.send(delivery, chooseNotificationDelay(this.#scenario.notifications, this.#random));
  }

  #afterAcknowledged(delivery: NotificationDelivery): void {
    const order = this.#deliveryOrder.get(delivery);
    if (!order || delivery.kind !== 'final') return;
    const { duplicateRate, outOfOrderRate } = this.#scenario.notifications;
    if (duplicateRate > 0 && this.#random() < duplicateRate)
      this.#notify(order, 'duplicate', delivery.payload);
    if (outOfOrderRate > 0 && this.#random() < outOfOrderRate) {
      // What an earlier "processing" notification would have said, arriving after the final one.
      this.#notify(order, 'stale', this.#notificationPayload(order, '0015', order.amount, order.createdAt));
    }
  }

  #notificationPayload(
    order: SandboxOrder,
    status: SandboxStatus,
    amount: string,
    at = this.#options.clock.now(),
  ): Record<string, string> {
    const account = this.#accounts.get(order.merchantNo);
    const fields = {
      platFormTradeNo: order.platFormTradeNo,
      tradeNo: order.tradeNo,
      amount,
      status,
      message: STATUS_MESSAGE[status],
      remark: order.remark,
      timestamp: String(at),
    };
    return account ? signFields(fields, account.appSecret) : fields;
  }

  #success(data: Record<string, string>): GatewayEnvelope {
    return { msg: 'success', code: '0000', timestamp: this.#options.clock.now(), success: true, data };
  }

  #failure(code: string, msg: string): GatewayEnvelope {
    return { msg, code, timestamp: this.#options.clock.now(), success: false, data: null };
  }
}

/**
 * The amount answers and notifications report: what was paid for 0000 and 0001 (the contract:
 * "the amount actually paid"), the order's amount while processing or failed.
 */
function reportedAmount(order: SandboxOrder): string {
  if (order.status === '0000') return order.amount;
  if (order.status === '0001' && order.paidMinor !== undefined)
    return formatMinorUnits(order.paidMinor, order.currency);
  return order.amount;
}

function settleRequest(
  order: SandboxOrder,
  outcome: Exclude<Settlement, 'silent'>,
  fraction: number,
): SettleRequest {
  if (outcome !== 'partial') return { outcome };
  // Rounded down to a whole minor unit, at least one: an order of one unit is paid in full.
  const minor = BigInt(Math.max(1, Math.floor(Number(order.amountMinor) * fraction)));
  return { outcome: 'partial', amount: formatMinorUnits(minor, order.currency) };
}
