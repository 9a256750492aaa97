/**
 * A request that breaks the contract's strict request schema. Nothing was sent: this is a
 * programming error in the caller (the API validates its input long before), so it is thrown
 * rather than returned as a result. The message names fields and rules, never their values
 * (payer details must not reach logs).
 */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';

  constructor(
    readonly call: 'checkout' | 'query',
    /** One line per problem: `field: rule`. */
    readonly issues: readonly string[],
  ) {
    super(`invalid Vexora ${call} request: ${issues.join('; ')}`);
  }
}

/** `field: message` lines of a zod error, without the rejected values. */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string[] {
  return issues.map((issue) => {
    const path = issue.path.map((part) => String(part)).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}
