import { createHash } from 'node:crypto';
import { startHttpServer, type HttpServerHandle } from '@vexora-checkout/runtime';
import express from 'express';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildOpenApiDocument } from './build-openapi-document.js';
import { createOpenApiRouter } from './create-openapi-router.js';
import type { OpenApiDocument } from './openapi-document.js';

const INJECTION = '<script>alert(1)</script>';
const ATTRIBUTE_INJECTION = '"><img src=x onerror=alert(2)>';

/** The real document with hostile text in every kind of place the page interpolates. */
function hostileDocument(): OpenApiDocument {
  const document = buildOpenApiDocument();
  const create = document.paths['/v1/checkouts']?.post;
  if (!create) throw new Error('no createCheckout');
  document.info.title = `Shop ${INJECTION}`;
  document.info.description = `Hello ${INJECTION} & \`${INJECTION}\` **${ATTRIBUTE_INJECTION}**`;
  create.summary = ATTRIBUTE_INJECTION;
  create.description = `- ${INJECTION}`;
  create.parameters = [
    {
      name: `X-${INJECTION}`,
      in: 'header',
      required: true,
      description: INJECTION,
      schema: { type: 'string', enum: [INJECTION], pattern: INJECTION },
      example: `'; rm -rf / #${INJECTION}`,
    },
  ];
  document.components.schemas[`Evil${ATTRIBUTE_INJECTION}`] = {
    type: 'object',
    description: INJECTION,
    properties: { [INJECTION]: { type: 'string', description: INJECTION, default: INJECTION } },
  };
  return document;
}

let server: HttpServerHandle;
let url: string;

beforeAll(async () => {
  const app = express();
  app.use(createOpenApiRouter());
  app.use('/hostile', createOpenApiRouter({ document: hostileDocument() }));
  server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

describe('GET /openapi.json', () => {
  test('serves the document, cacheable for five minutes', async () => {
    const response = await fetch(`${url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });
});

describe('GET /docs', () => {
  test('serves a self-contained page under a strict CSP that allows exactly its own stylesheet', async () => {
    const response = await fetch(`${url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();

    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => match[1] ?? '');
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256')
      .update(styles[0] ?? '', 'utf8')
      .digest('base64');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`style-src 'sha256-${hash}'`);
    expect(policy).not.toContain('script-src');

    // Nothing is loaded from anywhere: no script, no external stylesheet, font or image.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\ssrc=/i);
    expect(html).not.toMatch(/\s(href|src)="https?:/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  test('shows every operation with its parameters, body fields, responses and a curl example', async () => {
    const html = await (await fetch(`${url}/docs`)).text();
    const document = buildOpenApiDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        expect(html).toContain(`id="op-${operation.operationId}"`);
        expect(html).toContain(`<code class="operation-path">${path}</code>`);
      }
    }
    for (const field of ['Idempotency-Key', 'merchantReference', 'payer', 'mobile', 'idempotencyKey']) {
      expect(html).toContain(`<code class="field-name">${field}</code>`);
    }
    expect(html).toContain('1–255 characters');
    expect(html).toContain('one of <code>KHR</code>, <code>USD</code>');
    expect(html).toContain('<span class="badge required">required</span>');
    expect(html).toContain('curl -sS -X POST &quot;$VEXORA_API_URL/v1/checkouts&quot;');
    expect(html).toContain('curl -sS -X POST &quot;$VEXORA_API_URL/v1/checkouts/batch&quot;');
    expect(html).toContain('merchant_reference_conflict');
    expect(html).toContain('id="schema-CheckoutIntent"');
  });

  test('escapes every interpolated string', async () => {
    const html = await (await fetch(`${url}/hostile/docs`)).text();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain(INJECTION);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // Markup the description subset makes still wraps escaped text only.
    expect(html).toContain('<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>');
    expect(html).toContain('<strong>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</strong>');
    // The schema name lands in an id and an href: quotes cannot end the attribute.
    expect(html).not.toMatch(/id="schema-Evil"/);
    expect(html).toContain('id="schema-Evil&quot;&gt;&lt;img');
  });
});
