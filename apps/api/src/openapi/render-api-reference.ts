import { createHash } from 'node:crypto';
import { buildCurlExample } from './build-curl-example.js';
import { describeSchema } from './describe-schema.js';
import { escapeHtml } from '@vexora-checkout/runtime';
import {
  HTTP_METHODS,
  type Header,
  type HttpMethod,
  type MediaType,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type Reference,
  type ResponseObject,
} from './openapi-document.js';
import { renderDescription } from './render-description.js';
import { renderSchemaFields } from './render-schema-fields.js';

export interface ApiReferencePage {
  html: string;
  /** The policy to send with the page: no scripts at all, and only this page's own stylesheet. */
  contentSecurityPolicy: string;
}

// One inline stylesheet, allowed by its hash: nothing is fetched (the machine may be offline,
// and a strict CSP forbids it anyway).
const CSS = `
:root { color-scheme: light dark; --fg: #1d2433; --muted: #5b6478; --bg: #ffffff; --panel: #f6f7fa;
  --line: #dfe3ea; --accent: #2451c7; --get: #1f6feb; --post: #1a7f37; --warn: #9a6700; --bad: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa4b6; --bg: #14171f; --panel: #1c2030;
  --line: #2c3244; --accent: #7aa2ff; --get: #58a6ff; --post: #3fb950; --warn: #d29922; --bad: #f85149; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
code, pre { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; }
pre code { background: none; border: 0; padding: 0; }
.layout { display: grid; grid-template-columns: 270px 1fr; min-height: 100vh; }
nav { position: sticky; top: 0; align-self: start; height: 100vh; overflow-y: auto; padding: 20px 16px;
  border-right: 1px solid var(--line); background: var(--panel); font-size: 14px; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 0 6px; }
nav ul { list-style: none; margin: 0; padding: 0; } nav li { margin: 3px 0; }
nav .path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
main { max-width: 980px; padding: 24px 40px 80px; }
h1 { margin: 0 0 4px; font-size: 28px; } h1 .version { font-size: 15px; color: var(--muted); font-weight: 500; }
h2 { margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { margin: 0; font-size: 18px; } h4 { margin: 20px 0 8px; font-size: 14px; text-transform: uppercase;
  letter-spacing: .05em; color: var(--muted); }
.summary-line { color: var(--muted); margin: 0 0 16px; }
.operation, .schema { border: 1px solid var(--line); border-radius: 8px; padding: 18px 20px; margin: 18px 0; }
.operation-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.method { font-weight: 700; font-size: 12px; letter-spacing: .04em; color: #fff; border-radius: 4px; padding: 2px 8px; }
.method-get { background: var(--get); } .method-post { background: var(--post); }
.method-put, .method-patch { background: var(--warn); } .method-delete { background: var(--bad); }
.operation-path { font-size: 15px; background: none; border: 0; padding: 0; }
.operation-summary { color: var(--muted); }
.auth { font-size: 13px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
td p, .field-description p, .response-description p { margin: 0 0 4px; }
ul.fields, ul.variants { list-style: none; margin: 4px 0; padding-left: 0; }
ul.fields ul.fields, ul.fields ul.variants, ul.variants ul.fields { padding-left: 18px; border-left: 2px solid var(--line); margin-left: 4px; }
li.field { padding: 6px 0; } li.variant { padding: 6px 0; }
.variant-title { font-weight: 600; }
.field-name { font-weight: 600; }
.field-type { color: var(--accent); font-size: 13.5px; }
.constraints { color: var(--muted); font-size: 13px; }
.badge { font-size: 11px; border-radius: 10px; padding: 1px 7px; border: 1px solid var(--line); color: var(--muted); }
.badge.required { color: var(--bad); border-color: var(--bad); }
.response { border-top: 1px solid var(--line); padding: 10px 0; }
.status { display: inline-block; min-width: 44px; font-weight: 700; }
.status-2 { color: var(--post); } .status-4 { color: var(--warn); } .status-5 { color: var(--bad); }
.media { font-size: 13px; color: var(--muted); }
details { margin: 6px 0; } summary { cursor: pointer; color: var(--accent); font-size: 14px; }
.intro ul { padding-left: 22px; }
@media (max-width: 800px) { .layout { grid-template-columns: 1fr; } nav { position: static; height: auto; } main { padding: 16px; } }
`;

const anchor = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '-');

interface Entry {
  method: HttpMethod;
  path: string;
  operation: Operation;
}

function operationsOf(document: OpenApiDocument): Entry[] {
  // In the order the document lists them (create before list reads better than get before post).
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).flatMap((key) => {
      const method = HTTP_METHODS.find((candidate) => candidate === key);
      const operation = method ? item[method] : undefined;
      return method && operation ? [{ method, path, operation }] : [];
    }),
  );
}

const headerName = (reference: Reference) => reference.$ref.replace('#/components/headers/', '');

/**
 * Shared headers (references to components) are named with a link to the Headers section, since
 * every response repeats them; a response's own headers are described in place.
 */
function renderHeaders(headers: Record<string, Header | Reference>): string {
  const entries = Object.entries(headers);
  const shared = entries.flatMap(([name, header]) =>
    '$ref' in header
      ? [`<a href="#header-${escapeHtml(anchor(headerName(header)))}"><code>${escapeHtml(name)}</code></a>`]
      : [],
  );
  const own = entries.flatMap(([name, header]) =>
    '$ref' in header
      ? []
      : [
          `<tr><td><code>${escapeHtml(name)}</code></td><td>${renderDescription(header.description)}</td></tr>`,
        ],
  );
  return [
    own.length > 0
      ? `<table><thead><tr><th>Header</th><th>Description</th></tr></thead><tbody>${own.join('')}</tbody></table>`
      : '',
    shared.length > 0 ? `<div class="media">Headers: ${shared.join(', ')}</div>` : '',
  ].join('');
}

/** The wire name of a component header: the name a response gives it (`XRequestId` is `X-Request-Id`). */
function headerTitle(document: OpenApiDocument, component: string): string {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const response of Object.values(operation.responses)) {
        for (const [name, header] of Object.entries(response.headers ?? {})) {
          if ('$ref' in header && headerName(header) === component) return name;
        }
      }
    }
  }
  return component;
}

function renderParameters(parameters: Parameter[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map((parameter) => {
    const summary = describeSchema(parameter.schema);
    const rules =
      summary.constraints.length > 0
        ? `<div class="constraints">${summary.constraints.join(' · ')}</div>`
        : '';
    return `<tr><td><code class="field-name">${escapeHtml(parameter.name)}</code>${
      parameter.required ? ' <span class="badge required">required</span>' : ''
    }</td><td>${escapeHtml(parameter.in)}</td><td><span class="field-type">${summary.type}</span></td><td>${renderDescription(
      parameter.description,
    )}${rules}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows.join(
    '',
  )}</tbody></table>`;
}

function renderExamples(media: MediaType): string {
  const examples = [
    ...(media.example === undefined ? [] : [{ name: 'Example', value: media.example }]),
    ...Object.entries(media.examples ?? {}).map(([name, example]) => ({
      name: `Example: ${example.summary ?? name}`,
      value: example.value,
    })),
  ];
  return examples
    .map(
      ({ name, value }) =>
        `<details><summary>${escapeHtml(name)}</summary><pre><code>${escapeHtml(
          typeof value === 'string' ? value : JSON.stringify(value, null, 2),
        )}</code></pre></details>`,
    )
    .join('');
}

function renderResponse(document: OpenApiDocument, status: string, response: ResponseObject): string {
  const bodies = Object.entries(response.content ?? {}).map(([mediaType, media]) => {
    // Problems share one schema, described once in the Schemas section; others are expanded.
    const fields = mediaType.endsWith('problem+json')
      ? ''
      : `<details><summary>Body fields</summary>${renderSchemaFields(media.schema, document.components.schemas)}</details>`;
    return `<div class="media">${escapeHtml(mediaType)}: <span class="field-type">${
      describeSchema(media.schema).type
    }</span></div>${fields}${renderExamples(media)}`;
  });
  return `<div class="response"><span class="status status-${escapeHtml(status.charAt(0))}">${escapeHtml(
    status,
  )}</span><div class="response-description">${renderDescription(response.description)}</div>${renderHeaders(response.headers ?? {})}${bodies.join(
    '',
  )}</div>`;
}

function renderOperation(document: OpenApiDocument, { method, path, operation }: Entry): string {
  const isPublic = operation.security !== undefined && operation.security.length === 0;
  const body = operation.requestBody?.content['application/json'];
  return [
    `<section class="operation" id="op-${escapeHtml(anchor(operation.operationId))}">`,
    `<div class="operation-head"><span class="method method-${escapeHtml(method)}">${escapeHtml(
      method.toUpperCase(),
    )}</span><code class="operation-path">${escapeHtml(path)}</code><span class="operation-summary">${escapeHtml(
      operation.summary,
    )}</span></div>`,
    `<p class="auth">operationId <code>${escapeHtml(operation.operationId)}</code> · ${
      isPublic ? 'no authentication' : 'API key required'
    }</p>`,
    renderDescription(operation.description),
    renderParameters(operation.parameters ?? []),
    body
      ? `<h4>Request body</h4><div class="media">application/json: <span class="field-type">${
          describeSchema(body.schema).type
        }</span></div>${renderSchemaFields(body.schema, document.components.schemas, { expandRefs: true })}`
      : '',
    '<h4>Responses</h4>',
    ...Object.entries(operation.responses).map(([status, response]) =>
      renderResponse(document, status, response),
    ),
    isPublic && !body
      ? ''
      : `<h4>Example request</h4><pre><code>${escapeHtml(buildCurlExample(method, path, operation))}</code></pre>`,
    '</section>',
  ].join('\n');
}

/**
 * The document as one self-contained HTML page, rendered on the server: every operation with
 * its parameters, request body fields, responses, examples and a curl command, then every
 * schema. Every interpolated string is escaped; descriptions go through a markdown subset that
 * escapes first. No script, font or stylesheet is loaded from anywhere.
 */
export function renderApiReference(document: OpenApiDocument): ApiReferencePage {
  const entries = operationsOf(document);
  const tags = [
    ...document.tags,
    ...[...new Set(entries.flatMap((entry) => entry.operation.tags))]
      .filter((name) => !document.tags.some((tag) => tag.name === name))
      .map((name) => ({ name, description: '' })),
  ];
  const byTag = tags
    .map((tag) => ({ tag, entries: entries.filter((entry) => entry.operation.tags[0] === tag.name) }))
    .filter((group) => group.entries.length > 0);
  const schemes = Object.entries(document.components.securitySchemes);
  const schemas = Object.entries(document.components.schemas);

  const nav = [
    `<nav><strong>${escapeHtml(document.info.title)}</strong>`,
    '<ul><li><a href="#introduction">Introduction</a></li><li><a href="#authentication">Authentication</a></li><li><a href="#headers">Common response headers</a></li></ul>',
    ...byTag.map(
      ({ tag, entries: group }) =>
        `<h2>${escapeHtml(tag.name)}</h2><ul>${group
          .map(
            ({ method, path, operation }) =>
              `<li><a href="#op-${escapeHtml(anchor(operation.operationId))}"><span class="path">${escapeHtml(
                method.toUpperCase(),
              )} ${escapeHtml(path)}</span></a></li>`,
          )
          .join('')}</ul>`,
    ),
    `<h2>Schemas</h2><ul>${schemas
      .map(([name]) => `<li><a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a></li>`)
      .join('')}</ul>`,
    '</nav>',
  ].join('\n');

  const main = [
    '<main>',
    `<h1>${escapeHtml(document.info.title)} <span class="version">${escapeHtml(document.info.version)} · OpenAPI ${escapeHtml(
      document.openapi,
    )}</span></h1>`,
    document.info.summary ? `<p class="summary-line">${escapeHtml(document.info.summary)}</p>` : '',
    `<p><a href="/openapi.json">The OpenAPI document (JSON)</a> · servers: ${document.servers
      .map((server) => `<code>${escapeHtml(server.url)}</code>`)
      .join(', ')}</p>`,
    `<section class="intro" id="introduction">${renderDescription(document.info.description)}</section>`,
    '<h2 id="authentication">Authentication</h2>',
    ...schemes.map(
      ([name, scheme]) =>
        `<p><code>${escapeHtml(name)}</code>: HTTP <code>${escapeHtml(scheme.scheme)}</code>${
          scheme.bearerFormat ? ` (${escapeHtml(scheme.bearerFormat)})` : ''
        }</p>${renderDescription(scheme.description)}`,
    ),
    '<h2 id="headers">Common response headers</h2>',
    ...Object.entries(document.components.headers).map(
      ([name, header]) =>
        `<div id="header-${escapeHtml(anchor(name))}"><p><code>${escapeHtml(headerTitle(document, name))}</code></p>${renderDescription(header.description)}</div>`,
    ),
    ...byTag.map(({ tag, entries: group }) =>
      [
        `<h2 id="tag-${escapeHtml(anchor(tag.name))}">${escapeHtml(tag.name)}</h2>`,
        renderDescription(tag.description),
        ...group.map((entry) => renderOperation(document, entry)),
      ].join('\n'),
    ),
    '<h2 id="schemas">Schemas</h2>',
    ...schemas.map(
      ([name, schema]) =>
        `<section class="schema" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${renderDescription(
          schema.description,
        )}${renderSchemaFields({ $ref: `#/components/schemas/${name}` }, document.components.schemas)}</section>`,
    ),
    '</main>',
  ].join('\n');

  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="layout">
${nav}
${main}
</div>
</body>
</html>
`;
  const styleHash = createHash('sha256').update(CSS, 'utf8').digest('base64');
  return {
    html,
    contentSecurityPolicy: `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
