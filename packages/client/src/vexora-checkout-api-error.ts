import type { ProblemDetails } from './response-schemas.js';

/**
 * The API answered with an error: the RFC 9457 problem it sent, as it was. Switch on `code`
 * (stable, e.g. `merchant_reference_conflict`); `errors` lists every invalid field of a
 * `validation_failed`. An answer that was not a problem (a proxy's HTML page, say) gets the code
 * `unexpected_response`.
 */
export class VexoraCheckoutApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly detail: string;
  readonly errors: { path: string; message: string }[];
  readonly problem: ProblemDetails;
  /** From `Retry-After`, when the answer had one. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, problem: ProblemDetails, retryAfterMs?: number) {
    super(`${status} ${problem.code}: ${problem.detail}`);
    this.name = 'VexoraCheckoutApiError';
    this.status = status;
    this.type = problem.type;
    this.code = problem.code;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.problem = problem;
    this.retryAfterMs = retryAfterMs;
  }
}
