/**
 * How Vexora says "no order with this tradeNo" to a query.
 *
 * Assumption: the contract says only that the answer has a non-"0000" code and a message, and
 * that only an explicit not-found answer proves an order does not exist (anything else, a
 * timeout, a 5000, an unknown code, proves nothing). We take code "8000" with a message saying
 * the order does not exist or was not found; the sandbox answers exactly that. When Vexora's
 * real wording is known, this is the one place to change.
 */
export const QUERY_NOT_FOUND = {
  code: '8000',
  message: /\b(?:order|trade(?:No)?)\b.*\b(?:not\s+(?:exist|found)|does\s+not\s+exist)/i,
  /** What the sandbox writes (it must match the pattern above). */
  sandboxMessage: 'order does not exist',
} as const;

export function isQueryNotFound(code: string, message: string | undefined): boolean {
  return code === QUERY_NOT_FOUND.code && QUERY_NOT_FOUND.message.test(message ?? '');
}
