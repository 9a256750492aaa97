import { z } from 'zod';

const DAY_MS = 86_400_000;

const rate = z
  .number({ error: 'must be a number between 0 and 1' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');

const durationMs = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number of milliseconds')
  .min(0, 'must not be negative')
  .max(DAY_MS, `must be at most ${DAY_MS} (24 h)`);

const weight = z.number({ error: 'must be a number' }).min(0, 'must not be negative');

/** `250` is shorthand for a fixed latency of 250 ms, i.e. `{ "minMs": 250, "maxMs": 250 }`. */
const latencySchema = z.preprocess(
  (value) => (typeof value === 'number' ? { minMs: value, maxMs: value } : value),
  z
    .strictObject({ minMs: durationMs.default(0), maxMs: durationMs.default(0) })
    .refine((latency) => latency.minMs <= latency.maxMs, {
      message: 'must not be less than minMs',
      path: ['maxMs'],
    }),
);

const faultsSchema = z
  .strictObject({
    /** Which gateway calls the faults apply to. */
    endpoints: z
      .array(z.enum(['checkout', 'query'], { error: 'must be "checkout" or "query"' }))
      .default(['checkout', 'query']),
    /** HTTP 500 with no order created. */
    http500: rate.default(0),
    /** HTTP 200 with business code 5000 (system exception), no order created. */
    code5000: rate.default(0),
    /** The request is held `timeoutHoldMs`, then dropped or answered late (`timeoutThen`). */
    timeout: rate.default(0),
    /** The connection is destroyed before anything is done: no order. */
    reset: rate.default(0),
    /** The order is created, then the connection is destroyed instead of answering. */
    lostResponse: rate.default(0),
    timeoutHoldMs: durationMs.default(15_000),
    /**
     * "drop": nothing is processed; after the hold the connection is destroyed.
     * "answer": the request is processed at once (a checkout creates its order) and the answer
     * is sent after the hold, when the client has usually given up.
     */
    timeoutThen: z.enum(['drop', 'answer'], { error: 'must be "drop" or "answer"' }).default('drop'),
  })
  .refine(
    (faults) => faults.http500 + faults.code5000 + faults.timeout + faults.reset + faults.lostResponse <= 1,
    'the fault rates (http500, code5000, timeout, reset, lostResponse) must add up to at most 1',
  );

const autoSettleSchema = z
  .strictObject({
    /** Delay after the order's creation. */
    afterMs: durationMs.default(0),
    /** Relative weights of the outcomes (normalised: 3/1 means 75% / 25%). */
    paid: weight.default(0),
    partial: weight.default(0),
    failed: weight.default(0),
    /** The order stays "0015" (processing) for ever and no notification is sent. */
    silent: weight.default(0),
    /** Share of the amount a partial payment pays (rounded down to a whole minor unit, at least 1). */
    partialFraction: z
      .number({ error: 'must be a number' })
      .gt(0, 'must be greater than 0')
      .lt(1, 'must be less than 1')
      .default(0.5),
  })
  .refine(
    (settle) => settle.paid + settle.partial + settle.failed + settle.silent > 0,
    'at least one of paid, partial, failed, silent must be greater than 0',
  );

const notificationsSchema = z.strictObject({
  /** Chance that an acknowledged final notification is delivered once more, unchanged. */
  duplicateRate: rate.default(0),
  /** Chance that an acknowledged final notification is followed by a stale "0015" one. */
  outOfOrderRate: rate.default(0),
  /** Chance that a notification's first attempt is held back by a delay drawn from `delayMs`. */
  delayRate: rate.default(0),
  /** The range of that delay (a number: a fixed delay). Retries keep their own schedule. */
  delayMs: latencySchema.prefault({ minMs: 1_000, maxMs: 10_000 }),
});

/**
 * The sandbox's behaviour: what can go wrong and how orders settle by themselves. The same shape
 * is read from `SANDBOX_SCENARIO` at start and from `PUT /_sandbox/scenario`; every field has a
 * default, so `{}` is a well-behaved gateway (no latency, no faults, no auto-settlement).
 */
export const scenarioSchema = z.strictObject({
  latencyMs: latencySchema.prefault({}),
  faults: faultsSchema.prefault({}),
  autoSettle: autoSettleSchema.nullable().default(null),
  notifications: notificationsSchema.prefault({}),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type GatewayEndpoint = Scenario['faults']['endpoints'][number];
