/**
 * Time as the sandbox sees it. Everything that waits (latency, held requests, auto-settlement,
 * notification retries and timeouts) goes through a Clock, so unit tests drive time with a fake
 * one instead of sleeping.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now: () => number;
  /** Runs `task` after `delayMs`; the returned function cancels it (a no-op once it ran). */
  schedule: (delayMs: number, task: () => void) => () => void;
}

/** Real time. Its timers never keep the process alive on their own: the HTTP server does. */
export function createSystemClock(): Clock {
  return {
    now: () => Date.now(),
    schedule: (delayMs, task) => {
      const timer = setTimeout(task, Math.max(0, delayMs));
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
