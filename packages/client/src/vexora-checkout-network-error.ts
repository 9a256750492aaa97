/**
 * No answer at all (connection refused or reset, DNS, timeout) after every retry. The request
 * may or may not have reached the API: retrying it with the same idempotency key is safe.
 */
export class VexoraCheckoutNetworkError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'VexoraCheckoutNetworkError';
  }
}
