// Open-loop load at a fixed arrival rate: request n is sent at start + n/rate whatever the answers
// do, so a slow server meets more concurrent requests instead of fewer (no coordinated omission).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpAnswer } from './bench-post.js';
import { summarise, type Latency } from './bench-support.js';

export interface PacedLoad {
  /** Requests due in the run: rate × seconds. */
  due: number;
  sent: number;
  /** Due but not sent, because `maxInFlight` requests were already waiting: failures too. */
  shed: number;
  /** Answers `accept` took. */
  ok: number;
  /** Answers by `outcome`. */
  statuses: Map<string, number>;
  errors: number;
  timeouts: number;
  /** Accepted answers per second, from the start to the last answer. */
  perSecond: number;
  /** From the moment the request was written to the last byte of the answer. */
  service: Latency;
  /** From the moment the request was due: includes any lag of this generator. */
  fromSchedule: Latency;
  maxInFlight: number;
}

export async function runPacedLoad(options: {
  rate: number;
  seconds: number;
  /** The cap on requests waiting for an answer; beyond it, due requests are shed. */
  maxInFlight: number;
  /** Stops sending (Ctrl-C); the answers already awaited are still counted. */
  signal: AbortSignal;
  /** Sends request n. */
  send: (n: number) => Promise<HttpAnswer>;
  /** The key an answer is counted under in `statuses`. */
  outcome: (answer: HttpAnswer) => string;
  /** Whether an answer counts as ok. */
  accept: (answer: HttpAnswer) => boolean;
}): Promise<PacedLoad> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const interval = 1000 / options.rate;
  const service: number[] = [];
  const fromSchedule: number[] = [];
  const statuses = new Map<string, number>();
  let ok = 0;
  let errors = 0;
  let timeouts = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lastEnd = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now() + 2;

  let next = 0;
  let sent = 0;
  let shed = 0;
  while (next < total && !options.signal.aborted) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    while (next < due) {
      const n = next++;
      const scheduled = start + n * interval;
      if (inFlight >= options.maxInFlight) {
        shed += 1;
        continue;
      }
      sent += 1;
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const written = performance.now();
      pending.push(
        options.send(n).then((answer) => {
          const end = performance.now();
          inFlight -= 1;
          lastEnd = Math.max(lastEnd, end);
          if (answer.status === 0) {
            if (answer.timedOut) timeouts += 1;
            else errors += 1;
            return;
          }
          const outcome = options.outcome(answer);
          statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
          if (options.accept(answer)) ok += 1;
          service.push(end - written);
          fromSchedule.push(end - scheduled);
        }),
      );
    }
    await sleep(Math.max(0, start + next * interval - performance.now()));
  }
  await Promise.all(pending);
  return {
    due: total,
    sent,
    shed,
    ok,
    statuses,
    errors,
    timeouts,
    perSecond: ok > 0 ? ok / ((lastEnd - start) / 1000) : 0,
    service: summarise(service),
    fromSchedule: summarise(fromSchedule),
    maxInFlight,
  };
}
