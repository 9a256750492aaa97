import { problemBody, type ProblemBody, type ProblemCode } from '../problems/api-problem.js';

export interface ProblemDoc {
  /** When the API answers with it, and what the client should do. */
  when: string;
  /** A body as the API renders it (through the real `problemBody`). */
  example: ProblemBody;
}

/**
 * What each problem code means to a client. A Record over every code: a new code in
 * PROBLEM_STATUS does not type-check until it is documented here.
 */
export const PROBLEM_CATALOG: Record<ProblemCode, ProblemDoc> = {
  validation_failed: {
    when: 'A header, a query parameter or the body is invalid; `errors` lists every field and why. Nothing was stored: fix the request and send it again (with the same Idempotency-Key, if it had one).',
    example: problemBody('validation_failed', 'The request is invalid; see errors for each field.', {
      instance: '/v1/checkouts',
      errors: [
        { path: 'header:Idempotency-Key', message: 'is required' },
        { path: 'amount', message: 'must have at most 2 decimal places for USD (got "12.505")' },
      ],
    }),
  },
  malformed_body: {
    when: 'The body is not JSON, or its top level is neither an object nor an array.',
    example: problemBody('malformed_body', 'The request body is not valid JSON.'),
  },
  unauthenticated: {
    when: 'No `Authorization: Bearer <key>` header, or a key that is unknown or revoked (a revocation takes effect within 10 seconds).',
    example: problemBody('unauthenticated', 'The API key is unknown or revoked.', {
      instance: '/v1/checkouts',
    }),
  },
  not_found: {
    when: 'No such intent for your API client. An intent of another client, and an id that is not a UUID, are answered the same way.',
    example: problemBody('not_found', 'No checkout intent 0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42.', {
      instance: '/v1/checkouts/0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42',
    }),
  },
  idempotency_in_flight: {
    when: 'Another request with the same Idempotency-Key is still being processed. Retry shortly with the same key; you will get its answer.',
    example: problemBody(
      'idempotency_in_flight',
      'A request with the same Idempotency-Key is still in progress. Retry shortly with the same key.',
    ),
  },
  merchant_reference_conflict: {
    when: 'Another intent of yours already has this merchantReference; `existing` links to it. This answer is stored under the Idempotency-Key, so a retry with the same key replays it.',
    example: problemBody(
      'merchant_reference_conflict',
      'An intent with merchantReference "order-1001" already exists.',
      {
        extensions: {
          existing: {
            id: '0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42',
            href: '/v1/checkouts/0f8e3c1a-4b7d-4c1e-9a51-2d6f0b9e7c42',
          },
        },
      },
    ),
  },
  idempotency_key_reused: {
    when: 'The Idempotency-Key was used before with a different body (or appears earlier in the same batch with one). Use a new key for a new request.',
    example: problemBody(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
    ),
  },
  no_account_for_currency: {
    when: "None of the API key's merchant accounts takes the intent's currency. Not stored under the key: once the key's accounts change, the same request with the same key creates the intent.",
    example: problemBody(
      'no_account_for_currency',
      "None of this API key's merchant accounts (sandbox-usd) takes KHR.",
    ),
  },
  payload_too_large: {
    when: 'The body is larger than the API accepts (`API_BODY_LIMIT_BYTES`, 2 MB unless configured).',
    example: problemBody('payload_too_large', 'The request body is larger than allowed.'),
  },
  unsupported_media_type: {
    when: 'A POST whose body is not `application/json` (or that has no body).',
    example: problemBody('unsupported_media_type', 'Send the body as application/json.', {
      instance: '/v1/checkouts',
    }),
  },
  rate_limited: {
    when: 'This API key spent its request budget (`API_RATE_LIMIT_PER_SECOND` tokens a second, up to `API_RATE_LIMIT_BURST` at once; a request costs 1, a batch 1 per started 100 items). Nothing was done: wait the `Retry-After` seconds, then send the same request again (with the same Idempotency-Key). Other keys are not affected.',
    example: problemBody('rate_limited', 'Too many requests with this API key; retry after 1 s.', {
      instance: '/v1/checkouts',
      extensions: { retryAfterSeconds: 1 },
    }),
  },
  internal_error: {
    when: "An unexpected failure; the server log has it under the response's `X-Request-Id`. Retrying a create with the same Idempotency-Key is safe.",
    example: problemBody('internal_error', 'An unexpected error occurred.'),
  },
  service_unavailable: {
    when: 'PostgreSQL is unreachable: nothing was written. Retry with the same Idempotency-Key.',
    example: problemBody(
      'service_unavailable',
      'The database is unavailable; nothing was written. Retry with the same Idempotency-Key.',
    ),
  },
};
