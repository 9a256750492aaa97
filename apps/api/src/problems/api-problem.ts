/**
 * Every error the API answers, classified once. Each code has one HTTP status and a stable
 * `type` URI; clients switch on `code`. (RFC 9457 problem details.)
 */
export const PROBLEM_STATUS = {
  /** The body, a header or a query parameter is invalid; `errors` lists every field and reason. */
  validation_failed: 400,
  /** The body is not JSON, or too large. */
  malformed_body: 400,
  /** No API key, or one that does not exist or was revoked. */
  unauthenticated: 401,
  /** No such resource for this client (also when it belongs to another client: no existence leak). */
  not_found: 404,
  /** A request with this Idempotency-Key is still being processed; retry shortly. */
  idempotency_in_flight: 409,
  /** An intent with this merchantReference already exists; `existing` links to it. */
  merchant_reference_conflict: 409,
  /** The Idempotency-Key was used with a different request. */
  idempotency_key_reused: 422,
  /** No merchant account of this API key takes the intent's currency. */
  no_account_for_currency: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** This API key sent more than its rate allows; wait `Retry-After` seconds. */
  rate_limited: 429,
  internal_error: 500,
  /** PostgreSQL is unreachable; nothing was written. Retry with the same Idempotency-Key. */
  service_unavailable: 503,
} as const;

export type ProblemCode = keyof typeof PROBLEM_STATUS;

export interface FieldError {
  /** JSON-pointer-like path of the field, e.g. "payer.mobile" or "items.3.checkout.amount". */
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const TITLES: Record<ProblemCode, string> = {
  validation_failed: 'Validation failed',
  malformed_body: 'Malformed request body',
  unauthenticated: 'Unauthenticated',
  not_found: 'Not found',
  idempotency_in_flight: 'Request in flight',
  merchant_reference_conflict: 'Merchant reference already used',
  idempotency_key_reused: 'Idempotency key reused',
  no_account_for_currency: 'No merchant account for this currency',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  internal_error: 'Internal error',
  service_unavailable: 'Service unavailable',
};

/** A problem the API answers with; thrown from handlers, rendered by the error middleware. */
export class ApiProblem extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;

  constructor(
    code: ProblemCode,
    detail: string,
    options: { errors?: FieldError[]; extensions?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.code = code;
    this.status = PROBLEM_STATUS[code];
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
  }

  toBody(instance?: string): ProblemBody {
    return problemBody(this.code, this.message, {
      errors: this.errors,
      instance,
      extensions: this.extensions,
    });
  }
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  options: {
    errors?: FieldError[] | undefined;
    instance?: string | undefined;
    extensions?: Record<string, unknown>;
  } = {},
): ProblemBody {
  return {
    type: `urn:vexora-checkout:problem:${code}`,
    title: TITLES[code],
    status: PROBLEM_STATUS[code],
    code,
    detail,
    ...(options.instance ? { instance: options.instance } : {}),
    ...(options.errors ? { errors: options.errors } : {}),
    ...options.extensions,
  };
}
