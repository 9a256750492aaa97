import { describe, expect, test } from 'vitest';
import { parseScenario } from './parse-scenario.js';

describe('parseScenario', () => {
  test('fills every default from an empty object: a well-behaved gateway', () => {
    expect(parseScenario({})).toEqual({
      ok: true,
      scenario: {
        latencyMs: { minMs: 0, maxMs: 0 },
        faults: {
          endpoints: ['checkout', 'query'],
          http500: 0,
          code5000: 0,
          timeout: 0,
          reset: 0,
          lostResponse: 0,
          timeoutHoldMs: 15_000,
          timeoutThen: 'drop',
        },
        autoSettle: null,
        notifications: {
          duplicateRate: 0,
          outOfOrderRate: 0,
          delayRate: 0,
          delayMs: { minMs: 1_000, maxMs: 10_000 },
        },
      },
    });
  });

  test('reads a notification delay as a range or a fixed number, and refuses a bad one', () => {
    expect(parseScenario({ notifications: { delayRate: 0.1, delayMs: 3_000 } })).toMatchObject({
      ok: true,
      scenario: { notifications: { delayRate: 0.1, delayMs: { minMs: 3_000, maxMs: 3_000 } } },
    });
    const bad = parseScenario({ notifications: { delayRate: 2, delayMs: { minMs: 9, maxMs: 1 } } });
    expect(bad).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        'notifications.delayRate: must be between 0 and 1',
        'notifications.delayMs.maxMs: must not be less than minMs',
      ]) as unknown,
    });
  });

  test('reads a number as a fixed latency, and an auto-settlement with defaults', () => {
    const result = parseScenario({ latencyMs: 250, autoSettle: { paid: 1 } });
    expect(result).toMatchObject({
      ok: true,
      scenario: {
        latencyMs: { minMs: 250, maxMs: 250 },
        autoSettle: { afterMs: 0, paid: 1, partial: 0, failed: 0, silent: 0, partialFraction: 0.5 },
      },
    });
  });

  test('names every bad field with its path', () => {
    const result = parseScenario({
      latencyMs: { minMs: 500, maxMs: 100 },
      faults: { http500: 1.5, endpoints: ['refund'], timeoutThen: 'later' },
      autoSettle: { paid: 0 },
      notifications: { duplicateRate: -1 },
      extra: true,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        'latencyMs.maxMs: must not be less than minMs',
        'faults.http500: must be between 0 and 1',
        'faults.endpoints.0: must be "checkout" or "query"',
        'faults.timeoutThen: must be "drop" or "answer"',
        'autoSettle: at least one of paid, partial, failed, silent must be greater than 0',
        'notifications.duplicateRate: must be between 0 and 1',
        expect.stringMatching(/extra/),
      ]),
    );
  });

  test('refuses fault rates adding up to more than 1', () => {
    expect(parseScenario({ faults: { http500: 0.6, reset: 0.6 } })).toEqual({
      ok: false,
      issues: [
        'faults: the fault rates (http500, code5000, timeout, reset, lostResponse) must add up to at most 1',
      ],
    });
  });
});
