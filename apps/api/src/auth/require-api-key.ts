import type { RequestHandler } from 'express';
import { ApiProblem } from '../problems/api-problem.js';
import type { ApiKeyAuthenticator, ApiPrincipal } from './authenticate-api-key.js';

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: ApiPrincipal;
  }
}

/** `Authorization: Bearer vxk_…` → `res.locals.principal`, or a 401 problem. */
export function requireApiKey(authenticate: ApiKeyAuthenticator): RequestHandler {
  return async (request, response, next) => {
    const header = request.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      throw new ApiProblem('unauthenticated', 'Send an API key as "Authorization: Bearer <key>".');
    }
    const principal = await authenticate(match[1]);
    if (!principal) throw new ApiProblem('unauthenticated', 'The API key is unknown or revoked.');
    response.locals.principal = principal;
    next();
  };
}

export function principalOf(locals: { principal?: ApiPrincipal }): ApiPrincipal {
  if (!locals.principal) throw new ApiProblem('unauthenticated', 'No API key.');
  return locals.principal;
}
