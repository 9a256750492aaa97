import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { postgresErrorCode } from '../checkouts/postgres-error-code.js';
import { ApiProblem, problemBody } from './api-problem.js';
import { sendProblem, sendProblemBody } from './send-problem.js';

export const notFoundHandler: RequestHandler = (request, response) => {
  sendProblem(
    response,
    new ApiProblem('not_found', `No route for ${request.method} ${request.path}.`),
    request.path,
  );
};

/** Connection-level failures: the database is down or unreachable, so nothing was written. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  '08006',
  '08001',
  '53300',
]);

/**
 * Last stop for errors: problems are rendered as they are; body-parser's errors become precise
 * problems; a database outage is a 503 (retry with the same Idempotency-Key is safe); anything
 * else is logged with its stack and answered as a 500 that reveals nothing internal.
 */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    if (error instanceof ApiProblem) return sendProblem(response, error, request.path);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      return sendProblemBody(
        response,
        problemBody('payload_too_large', 'The request body is larger than allowed.'),
      );
    }
    if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendProblemBody(response, problemBody('malformed_body', 'The request body is not valid JSON.'));
    }
    const code = postgresErrorCode(error) ?? (error as { code?: string }).code;
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
      logger.error({ err: error }, 'database unavailable');
      return sendProblemBody(
        response,
        problemBody(
          'service_unavailable',
          'The database is unavailable; nothing was written. Retry with the same Idempotency-Key.',
        ),
      );
    }
    logger.error({ err: error, path: request.path }, 'unhandled error');
    return sendProblemBody(response, problemBody('internal_error', 'An unexpected error occurred.'));
  };
}
