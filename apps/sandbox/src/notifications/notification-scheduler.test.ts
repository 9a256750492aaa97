import { describe, expect, test } from 'vitest';
import { createFakeClock } from '../../test/support/create-fake-clock.js';
import { NotificationScheduler, type NotificationDelivery } from './notification-scheduler.js';
import { NOTIFY_RETRY_DELAYS_MS } from './notify-retry-delays.js';
import type { PostNotification, ReceiverAnswer } from './post-notification.js';

function delivery(overrides: Partial<NotificationDelivery> = {}): NotificationDelivery {
  return {
    kind: 'final',
    url: 'http://merchant.test/notify',
    payload: { tradeNo: 'T1', status: '0000', amount: '10.00', sign: 'x' },
    state: 'scheduled',
    attempts: [],
    maxRetries: NOTIFY_RETRY_DELAYS_MS.length,
    ...overrides,
  };
}

/** A receiver answering from a script, recording when each call came. */
function receiver(answers: (ReceiverAnswer | 'hang' | Error)[], now: () => number) {
  const calls: { at: number; body: string }[] = [];
  const post: PostNotification = (_url, body, signal) => {
    calls.push({ at: now(), body });
    const answer = answers.shift() ?? { status: 500, body: 'no more answers' };
    if (answer === 'hang') {
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      );
    }
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { post, calls };
}

function scheduler(post: PostNotification, clock: ReturnType<typeof createFakeClock>, timeScale = 1) {
  const acknowledged: NotificationDelivery[] = [];
  const instance = new NotificationScheduler({
    clock,
    post,
    retryDelaysMs: NOTIFY_RETRY_DELAYS_MS,
    timeScale,
    timeoutMs: 10_000,
    onAcknowledged: (item) => acknowledged.push(item),
  });
  return { instance, acknowledged };
}

const DAY = 86_400_000;

describe('NotificationScheduler', () => {
  test('retries on Vexora schedule (2 s, 5 s, 10 s, 30 s, 1 h, 3 h, 3 h, 3 h), then gives up', async () => {
    const clock = createFakeClock();
    const start = clock.now();
    const { post, calls } = receiver([], clock.now);
    const { instance } = scheduler(post, clock);
    const item = delivery();
    instance.send(item);
    await clock.advance(DAY);
    const offsets = calls.map((call) => (call.at - start) / 1000);
    expect(offsets).toEqual([0, 2, 7, 17, 47, 3_647, 14_447, 25_247, 36_047]);
    expect(item.state).toBe('gave-up');
    expect(item.attempts).toHaveLength(9);
    expect(
      item.attempts.every((attempt) => attempt.outcome === 'rejected' && attempt.httpStatus === 500),
    ).toBe(true);
    expect(instance.activeCount).toBe(0);
  });

  test('scales the schedule by the time factor', async () => {
    const clock = createFakeClock();
    const start = clock.now();
    const { post, calls } = receiver([], clock.now);
    const { instance } = scheduler(post, clock, 0.001);
    instance.send(delivery());
    await clock.advance(60_000);
    expect(calls.map((call) => call.at - start)).toEqual([0, 2, 7, 17, 47, 3_647, 14_447, 25_247, 36_047]);
  });

  test('holds the first attempt back by the delay it is given (unscaled), retries after it', async () => {
    const clock = createFakeClock();
    const start = clock.now();
    const { post, calls } = receiver([], clock.now);
    const { instance } = scheduler(post, clock, 0.001);
    const item = delivery();
    instance.send(item, 4_000);
    expect(item.nextAttemptAt).toBe(start + 4_000);
    await clock.advance(3_999);
    expect(calls).toHaveLength(0);
    await clock.advance(60_000);
    expect(calls.map((call) => call.at - start).slice(0, 3)).toEqual([4_000, 4_002, 4_007]);
  });

  test('stops at the first HTTP 200 with the body exactly "OK"', async () => {
    const clock = createFakeClock();
    const { post, calls } = receiver(
      [
        { status: 200, body: 'ok' },
        { status: 200, body: 'OK\n' },
        { status: 201, body: 'OK' },
        { status: 200, body: 'OK' },
      ],
      clock.now,
    );
    const { instance, acknowledged } = scheduler(post, clock);
    const item = delivery();
    instance.send(item);
    await clock.advance(DAY);
    expect(calls).toHaveLength(4);
    expect(item.state).toBe('delivered');
    expect(item.attempts.map((attempt) => attempt.outcome)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'ok',
    ]);
    expect(item.attempts[0]?.detail).toBe('ok');
    expect(acknowledged).toEqual([item]);
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual(item.payload);
  });

  test('counts a receiver that does not answer within the timeout, and a network error, as failures', async () => {
    const clock = createFakeClock();
    const start = clock.now();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const { post, calls } = receiver(['hang', refused, { status: 200, body: 'OK' }], clock.now);
    const { instance } = scheduler(post, clock);
    const item = delivery();
    instance.send(item);
    await clock.advance(DAY);
    expect(item.attempts.map((attempt) => attempt.outcome)).toEqual(['timeout', 'error', 'ok']);
    expect(item.attempts[0]?.detail).toBe('no answer within 10000 ms');
    expect(item.attempts[1]?.detail).toContain('ECONNREFUSED');
    // The retry delay runs from the end of the timed-out attempt.
    expect(calls.map((call) => (call.at - start) / 1000)).toEqual([0, 12, 17]);
  });

  test('sends extra deliveries (duplicates, stale ones) once, without retries', async () => {
    const clock = createFakeClock();
    const { post, calls } = receiver([{ status: 503, body: 'busy' }], clock.now);
    const { instance } = scheduler(post, clock);
    const item = delivery({ kind: 'duplicate', maxRetries: 0 });
    instance.send(item);
    await clock.advance(DAY);
    expect(calls).toHaveLength(1);
    expect(item.state).toBe('gave-up');
  });

  test('cancels scheduled retries and aborts deliveries in flight', async () => {
    const clock = createFakeClock();
    const { post, calls } = receiver([{ status: 500, body: '' }, 'hang'], clock.now);
    const { instance } = scheduler(post, clock);
    const waiting = delivery();
    const hanging = delivery({ payload: { tradeNo: 'T2', status: '0000', amount: '1', sign: 'y' } });
    instance.send(waiting);
    instance.send(hanging);
    await clock.advance(0);
    expect(waiting.state).toBe('scheduled');
    expect(hanging.state).toBe('sending');
    await instance.cancelAll();
    expect([waiting.state, hanging.state]).toEqual(['cancelled', 'cancelled']);
    await clock.advance(DAY);
    expect(calls).toHaveLength(2);
    expect(instance.activeCount).toBe(0);
    expect(clock.pendingCount()).toBe(0);
  });

  test('keeps at most maxConcurrent deliveries in flight', async () => {
    const clock = createFakeClock();
    const { post, calls } = receiver(['hang', 'hang', 'hang'], clock.now);
    const instance = new NotificationScheduler({
      clock,
      post,
      retryDelaysMs: [],
      timeScale: 1,
      timeoutMs: 1_000,
      maxConcurrent: 2,
    });
    for (const tradeNo of ['A', 'B', 'C']) instance.send(delivery({ payload: { tradeNo }, maxRetries: 0 }));
    await clock.advance(0);
    expect(calls).toHaveLength(2);
    await clock.advance(1_000);
    expect(calls).toHaveLength(3);
    await clock.advance(1_000);
    expect(instance.activeCount).toBe(0);
  });
});
