import { PROBLEM_STATUS, type ProblemCode } from '../problems/api-problem.js';
import { SCHEMA_REF_PREFIX } from './convert-zod-schemas.js';
import type { Header, Reference, ResponseObject } from './openapi-document.js';
import { PROBLEM_CATALOG } from './problem-catalog.js';

/**
 * The problem responses of one operation, from the codes it can answer: one response per status
 * (the status comes from PROBLEM_STATUS, never restated), listing its codes with their meaning
 * and one example body per code.
 */
export function buildProblemResponses(
  codes: readonly ProblemCode[],
  headers: Record<string, Header | Reference>,
  extraHeaders: Partial<Record<number, Record<string, Header | Reference>>> = {},
): Record<string, ResponseObject> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = PROBLEM_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: group.map((code) => `- \`${code}\`: ${PROBLEM_CATALOG[code].when}`).join('\n'),
      headers: { ...headers, ...extraHeaders[status] },
      content: {
        'application/problem+json': {
          schema: { $ref: `${SCHEMA_REF_PREFIX}Problem` },
          examples: Object.fromEntries(
            group.map((code) => [code, { summary: code, value: PROBLEM_CATALOG[code].example }]),
          ),
        },
      },
    };
  }
  return responses;
}
