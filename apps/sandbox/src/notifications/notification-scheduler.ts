import type { Logger } from '@vexora-checkout/runtime';
import type { Clock } from '../clock/create-system-clock.js';
import { NOTIFY_ACK_BODY } from './notify-retry-delays.js';
import type { PostNotification } from './post-notification.js';

/**
 * - `final`: the order's settlement (0000, 0001, 00029), retried on Vexora's schedule;
 * - `duplicate`: the same notification once more, after it was acknowledged (scenario);
 * - `stale`: an out-of-date "0015" after the final one was acknowledged (scenario).
 */
export type DeliveryKind = 'final' | 'duplicate' | 'stale';

export interface DeliveryAttempt {
  /** Epoch milliseconds when the attempt started. */
  at: number;
  /** `ok` only for HTTP 200 with the body exactly `OK`. */
  outcome: 'ok' | 'rejected' | 'timeout' | 'error';
  httpStatus?: number;
  /** The receiver's body (first 200 characters) or the network error. */
  detail?: string;
}

export interface NotificationDelivery {
  kind: DeliveryKind;
  url: string;
  /** The signed body, as sent. */
  payload: Readonly<Record<string, string>>;
  state: 'scheduled' | 'sending' | 'delivered' | 'gave-up' | 'cancelled';
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (epoch milliseconds), while `scheduled`. */
  nextAttemptAt?: number;
  /** Retries allowed after the first attempt fails. */
  maxRetries: number;
}

export interface NotificationSchedulerOptions {
  clock: Clock;
  post: PostNotification;
  /** Delays before each retry (the first delivery is immediate), unscaled. */
  retryDelaysMs: readonly number[];
  /** Multiplies the retry delays: 1 in real use, 0.001 in tests. */
  timeScale: number;
  /** How long a receiver may take to answer; not scaled (a real network needs real time). */
  timeoutMs: number;
  /** Deliveries in flight at once; the rest wait their turn. */
  maxConcurrent?: number;
  logger?: Logger;
  /** Called once a delivery is acknowledged (HTTP 200, body `OK`). */
  onAcknowledged?: (delivery: NotificationDelivery) => void;
}

/**
 * Delivers notifications the way Vexora does: at once, then again on the retry schedule until
 * the receiver acknowledges or the retries run out. Every attempt is recorded on the delivery
 * object, which the ledger shows. All waiting goes through the injected clock.
 */
export class NotificationScheduler {
  readonly #options: NotificationSchedulerOptions;
  readonly #maxConcurrent: number;
  /** Cancels the timer of each scheduled delivery. */
  readonly #timers = new Map<NotificationDelivery, () => void>();
  readonly #ready: NotificationDelivery[] = [];
  readonly #inFlight = new Map<NotificationDelivery, { abort: AbortController; done: Promise<void> }>();

  constructor(options: NotificationSchedulerOptions) {
    this.#options = options;
    this.#maxConcurrent = options.maxConcurrent ?? 64;
  }

  /** Deliveries scheduled, waiting or in flight. */
  get activeCount(): number {
    return this.#timers.size + this.#ready.length + this.#inFlight.size;
  }

  /**
   * Starts delivering: the first attempt after `delayMs` (0: on the next turn of the clock), the
   * retries on the schedule after it. The delay is not scaled: the scenario chose it as it is.
   */
  send(delivery: NotificationDelivery, delayMs = 0): void {
    this.#scheduleAttempt(delivery, delayMs);
  }

  /**
   * Cancels every scheduled and waiting delivery and aborts those in flight; resolves when the
   * aborted ones have settled. Used by reset and by stop.
   */
  async cancelAll(): Promise<void> {
    for (const [delivery, cancel] of this.#timers) {
      cancel();
      delivery.state = 'cancelled';
      delete delivery.nextAttemptAt;
    }
    this.#timers.clear();
    for (const delivery of this.#ready.splice(0)) delivery.state = 'cancelled';
    const inFlight = [...this.#inFlight.entries()];
    for (const [delivery, { abort }] of inFlight) {
      delivery.state = 'cancelled';
      abort.abort(new Error('the sandbox cancelled the delivery'));
    }
    await Promise.all(inFlight.map(([, { done }]) => done));
  }

  #scheduleAttempt(delivery: NotificationDelivery, delayMs: number): void {
    const { clock } = this.#options;
    delivery.state = 'scheduled';
    delivery.nextAttemptAt = clock.now() + delayMs;
    const cancel = clock.schedule(delayMs, () => {
      this.#timers.delete(delivery);
      this.#ready.push(delivery);
      this.#pump();
    });
    this.#timers.set(delivery, cancel);
  }

  #pump(): void {
    while (this.#inFlight.size < this.#maxConcurrent) {
      const delivery = this.#ready.shift();
      if (!delivery) return;
      const abort = new AbortController();
      const done = this.#attempt(delivery, abort).finally(() => {
        this.#inFlight.delete(delivery);
        this.#pump();
      });
      this.#inFlight.set(delivery, { abort, done });
    }
  }

  async #attempt(delivery: NotificationDelivery, abort: AbortController): Promise<void> {
    const { clock, post, timeoutMs, logger } = this.#options;
    delivery.state = 'sending';
    delete delivery.nextAttemptAt;
    const attempt: DeliveryAttempt = { at: clock.now(), outcome: 'error' };
    delivery.attempts.push(attempt);
    let timedOut = false;
    const cancelTimeout = clock.schedule(timeoutMs, () => {
      timedOut = true;
      abort.abort(new Error(`no answer within ${timeoutMs} ms`));
    });
    try {
      const answer = await post(delivery.url, JSON.stringify(delivery.payload), abort.signal);
      attempt.httpStatus = answer.status;
      attempt.outcome = answer.status === 200 && answer.body === NOTIFY_ACK_BODY ? 'ok' : 'rejected';
      if (attempt.outcome === 'rejected') attempt.detail = answer.body.slice(0, 200);
    } catch (error) {
      attempt.outcome = timedOut ? 'timeout' : 'error';
      attempt.detail = describeError(timedOut ? abort.signal.reason : error);
    } finally {
      cancelTimeout();
    }
    // cancelAll may have run while the attempt was in flight.
    if ((delivery.state as NotificationDelivery['state']) === 'cancelled') return;
    const { tradeNo, status } = delivery.payload;
    if (attempt.outcome === 'ok') {
      delivery.state = 'delivered';
      logger?.debug(
        { tradeNo, status, kind: delivery.kind, attempts: delivery.attempts.length },
        'notification acknowledged',
      );
      this.#options.onAcknowledged?.(delivery);
      return;
    }
    const retry = delivery.attempts.length - 1;
    const delay = retry < delivery.maxRetries ? this.#options.retryDelaysMs[retry] : undefined;
    if (delay === undefined) {
      delivery.state = 'gave-up';
      logger?.warn(
        {
          tradeNo,
          status,
          kind: delivery.kind,
          attempts: delivery.attempts.length,
          outcome: attempt.outcome,
        },
        'notification not acknowledged; giving up',
      );
      return;
    }
    this.#scheduleAttempt(delivery, Math.round(delay * this.#options.timeScale));
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}
