import type { SandboxOrder } from './sandbox-order.js';

/**
 * Orders in memory, by (merchantNo, tradeNo) and by payment-link token, in creation order. It is
 * a simulator: a restart forgets everything. The capacity bounds memory; see `isFull`.
 */
export class OrderStore {
  readonly capacity: number;
  readonly #byTradeNo = new Map<string, SandboxOrder>();
  readonly #byToken = new Map<string, SandboxOrder>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#byTradeNo.size;
  }

  isFull(): boolean {
    return this.#byTradeNo.size >= this.capacity;
  }

  get(merchantNo: string, tradeNo: string): SandboxOrder | undefined {
    return this.#byTradeNo.get(key(merchantNo, tradeNo));
  }

  getByToken(token: string): SandboxOrder | undefined {
    return this.#byToken.get(token);
  }

  /** Adds an order whose (merchantNo, tradeNo) is not taken; the caller checks. */
  add(order: SandboxOrder): void {
    this.#byTradeNo.set(key(order.merchantNo, order.tradeNo), order);
    this.#byToken.set(order.token, order);
  }

  clear(): void {
    this.#byTradeNo.clear();
    this.#byToken.clear();
  }

  values(): IterableIterator<SandboxOrder> {
    return this.#byTradeNo.values();
  }
}

// A header value cannot contain a newline, so the pair cannot collide.
const key = (merchantNo: string, tradeNo: string) => `${merchantNo}\n${tradeNo}`;
