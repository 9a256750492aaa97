import type { z } from 'zod';
import type { FieldError } from './api-problem.js';

/** Every issue of a zod error as `{ path, message }`, paths dotted, prefixed when nested. */
export function zodFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      message = 'is required';
    } else if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input: expected ')) {
      message = `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
    }
    return { path: path || '(body)', message };
  });
}
