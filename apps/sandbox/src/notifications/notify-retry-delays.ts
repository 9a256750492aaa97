/**
 * Vexora's notification schedule (from its guide): when the receiver does not answer HTTP 200
 * with the body `OK`, it tries again after 2 s, 5 s, 10 s, 30 s, 1 h, 3 h, 3 h and 3 h (8 retries
 * after the first delivery, about 10 hours in all), then stops. Delays run from the end of the
 * previous attempt. `SANDBOX_NOTIFY_TIME_SCALE` multiplies them (0.001 turns hours into seconds).
 */
export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = [
  2_000, 5_000, 10_000, 30_000, 3_600_000, 10_800_000, 10_800_000, 10_800_000,
];

/** How long Vexora waits for the receiver's answer. */
export const NOTIFY_TIMEOUT_MS = 10_000;

/** The receiver's answer that stops the retries: exactly this body, with HTTP 200. */
export const NOTIFY_ACK_BODY = 'OK';
