import { Router } from 'express';
import { buildOpenApiDocument } from './build-openapi-document.js';
import type { OpenApiDocument } from './openapi-document.js';
import { renderApiReference } from './render-api-reference.js';

/** Both answers change only with a deployment: five minutes of caching costs nothing. */
const CACHE_CONTROL = 'public, max-age=300';

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (it, rendered as a page). Both
 * are built once, when the router is created, and need no API key. `document` is for tests.
 */
export function createOpenApiRouter(options: { document?: OpenApiDocument } = {}): Router {
  const document = options.document ?? buildOpenApiDocument();
  const json = JSON.stringify(document);
  const page = renderApiReference(document);

  const router = Router();
  router.get('/openapi.json', (_request, response) => {
    response.set('cache-control', CACHE_CONTROL).type('application/json').send(json);
  });
  router.get('/docs', (_request, response) => {
    response
      .set({
        'cache-control': CACHE_CONTROL,
        'content-security-policy': page.contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .type('html')
      .send(page.html);
  });
  return router;
}
