import type { Response } from 'express';

/**
 * Every answer of the receiver other than `OK`, with its status. Vexora only distinguishes
 * "200 with the body OK" from everything else (which it retries); the problem details
 * (RFC 9457) are for the people reading logs and curl output.
 */
export const WEBHOOK_PROBLEMS = {
  /** The body is not a notification (unparseable, or no tradeNo). Stored all the same. */
  not_a_notification: { status: 400, title: 'Not a notification' },
  /** A sign that matches no configured merchant account. Stored, never trusted. */
  invalid_signature: { status: 401, title: 'Invalid signature' },
  /** The source address is not in WEBHOOK_ALLOWED_IPS. Not stored. */
  forbidden_source: { status: 403, title: 'Source not allowed' },
  not_found: { status: 404, title: 'Not found' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  /** A body that could not be read (bad encoding, aborted upload). */
  unreadable_body: { status: 400, title: 'Unreadable body' },
  /** A failure of ours nobody foresaw; logged. */
  internal_error: { status: 500, title: 'Internal error' },
  /** The notification could not be stored; retry later. */
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type WebhookProblemCode = keyof typeof WEBHOOK_PROBLEMS;

export function sendProblem(response: Response, code: WebhookProblemCode, detail: string): void {
  const { status, title } = WEBHOOK_PROBLEMS[code];
  response
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: `urn:vexora-checkout:problem:${code}`, title, status, code, detail }));
}
