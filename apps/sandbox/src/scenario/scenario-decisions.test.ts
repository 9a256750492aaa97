import { describe, expect, test } from 'vitest';
import { chooseFault } from './choose-fault.js';
import { chooseNotificationDelay } from './choose-notification-delay.js';
import { chooseSettlement } from './choose-settlement.js';
import { createSeededRandom } from './create-seeded-random.js';
import { parseScenario } from './parse-scenario.js';
import { sampleLatency } from './sample-latency.js';
import type { Scenario, ScenarioInput } from './scenario-schema.js';

function scenario(input: ScenarioInput): Scenario {
  const result = parseScenario(input);
  if (!result.ok) throw new Error(result.issues.join('; '));
  return result.scenario;
}

/** A Random that returns the given draws in order. */
function draws(...values: number[]) {
  return () => {
    const value = values.shift();
    if (value === undefined) throw new Error('no draw left');
    return value;
  };
}

describe('createSeededRandom', () => {
  test('replays the same sequence for the same seed, a different one for another seed', () => {
    const sequence = (seed: number) => Array.from({ length: 5 }, createSeededRandom(seed));
    expect(sequence(42)).toEqual(sequence(42));
    expect(sequence(42)).not.toEqual(sequence(43));
    for (const value of sequence(7)) expect(value).toBeGreaterThanOrEqual(0);
    for (const value of sequence(7)) expect(value).toBeLessThan(1);
  });

  test('is roughly uniform', () => {
    const random = createSeededRandom(1);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i += 1) buckets[Math.floor(random() * 4)]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(9_000);
  });
});

describe('chooseFault', () => {
  const faults = scenario({
    faults: { reset: 0.1, timeout: 0.1, http500: 0.1, code5000: 0.1, lostResponse: 0.1 },
  }).faults;

  test('maps one draw to one fault, in a fixed order', () => {
    expect(chooseFault(faults, 'checkout', draws(0.05))).toBe('reset');
    expect(chooseFault(faults, 'checkout', draws(0.15))).toBe('timeout');
    expect(chooseFault(faults, 'checkout', draws(0.25))).toBe('http500');
    expect(chooseFault(faults, 'checkout', draws(0.35))).toBe('code5000');
    expect(chooseFault(faults, 'checkout', draws(0.45))).toBe('lostResponse');
    expect(chooseFault(faults, 'checkout', draws(0.5))).toBeUndefined();
  });

  test('draws nothing when no fault is configured, and skips endpoints not listed', () => {
    expect(chooseFault(scenario({}).faults, 'checkout', draws())).toBeUndefined();
    const onlyQuery = scenario({ faults: { http500: 1, endpoints: ['query'] } }).faults;
    expect(chooseFault(onlyQuery, 'checkout', draws())).toBeUndefined();
    expect(chooseFault(onlyQuery, 'query', draws(0.99))).toBe('http500');
  });
});

describe('sampleLatency', () => {
  test('is fixed without a draw, uniform over whole milliseconds otherwise', () => {
    expect(sampleLatency({ minMs: 40, maxMs: 40 }, draws())).toBe(40);
    expect(sampleLatency({ minMs: 10, maxMs: 20 }, draws(0))).toBe(10);
    expect(sampleLatency({ minMs: 10, maxMs: 20 }, draws(0.999))).toBe(20);
  });
});

describe('chooseSettlement', () => {
  test('picks by normalised weight', () => {
    const settle = scenario({ autoSettle: { paid: 2, partial: 1, failed: 1, silent: 0 } }).autoSettle!;
    expect(chooseSettlement(settle, draws(0.49))).toBe('paid');
    expect(chooseSettlement(settle, draws(0.6))).toBe('partial');
    expect(chooseSettlement(settle, draws(0.9))).toBe('failed');
  });

  test('follows the ratios over many orders with a seeded source', () => {
    const settle = scenario({
      autoSettle: { paid: 0.7, partial: 0.1, failed: 0.1, silent: 0.1 },
    }).autoSettle!;
    const random = createSeededRandom(99);
    const counts = { paid: 0, partial: 0, failed: 0, silent: 0 };
    for (let i = 0; i < 10_000; i += 1) counts[chooseSettlement(settle, random)] += 1;
    expect(counts.paid).toBeGreaterThan(6_700);
    expect(counts.paid).toBeLessThan(7_300);
    expect(counts.silent).toBeGreaterThan(800);
  });
});

describe('chooseNotificationDelay', () => {
  const notifications = (input: ScenarioInput['notifications']) =>
    scenario({ notifications: input }).notifications;

  test('draws nothing and delays nothing when delayRate is 0', () => {
    expect(chooseNotificationDelay(notifications({}), draws())).toBe(0);
  });

  test('delays a share delayRate of notifications by a delay in the range', () => {
    const delayed = notifications({ delayRate: 0.25, delayMs: { minMs: 2_000, maxMs: 4_000 } });
    expect(chooseNotificationDelay(delayed, draws(0.3))).toBe(0);
    expect(chooseNotificationDelay(delayed, draws(0.1, 0))).toBe(2_000);
    expect(chooseNotificationDelay(delayed, draws(0.1, 0.9999))).toBe(4_000);
  });
});
