import type { z } from 'zod';

/**
 * Turns the issues of a contract schema into the precise sentences an `8000` answer carries:
 * "tradeNo is required" for a missing field, the schema's own message otherwise, and one
 * sentence naming every field the contract does not have.
 */
export function describeSchemaIssues(
  issues: readonly z.core.$ZodIssue[],
  body: Record<string, unknown>,
): string[] {
  const messages: string[] = [];
  for (const issue of issues) {
    const field = issue.path[0];
    if (issue.code === 'unrecognized_keys') {
      messages.push(
        `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (not in the contract)`,
      );
    } else if (typeof field === 'string' && body[field] === undefined) {
      messages.push(`${field} is required`);
    } else {
      messages.push(issue.message);
    }
  }
  return [...new Set(messages)];
}
