import { escapeHtml } from '@vexora-checkout/runtime';
import type { Response } from 'express';

/** HTML whose interpolations were escaped: `html` template literals build it, `raw` trusts it. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Interpolation =
  SafeHtml | string | number | bigint | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/** A template literal tag that escapes every interpolated value unless it is SafeHtml already. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(text);
}

/** JSON for a `<script type="application/json">` block: no `<` can close the element early. */
export function jsonForScript(value: unknown): SafeHtml {
  return new SafeHtml(
    JSON.stringify(value)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029'),
  );
}

/**
 * The dashboard's own pages: no inline script or style at all, scripts and styles from this
 * origin only, no framing, no plugins, forms post only here, no <base> hijack.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function setPageHeaders(response: Response, contentSecurityPolicy = DASHBOARD_CSP): void {
  response.set({
    'content-security-policy': contentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  });
}

export interface PageOptions {
  title: string;
  /** The operator signed in, if any: shows the navigation and the sign-out button. */
  operator?: { name: string; csrf: string };
  active?: 'overview' | 'exceptions' | 'stuck' | 'queues' | 'search';
  body: SafeHtml;
  /** Loads Chart.js and the page script. */
  charts?: boolean;
}

const NAVIGATION = [
  ['overview', '/dashboard', 'Overview'],
  ['exceptions', '/dashboard/exceptions', 'Exceptions'],
  ['stuck', '/dashboard/stuck', 'Stuck intents'],
  ['queues', '/dashboard/queues', 'Queues'],
] as const;

export function renderPage(options: PageOptions): string {
  const { operator } = options;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${options.title} · vexora-checkout</title>
        <link rel="icon" href="/dashboard/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/dashboard/static/dashboard.css" />
        ${
          options.charts
            ? html`<script src="/dashboard/static/chart.umd.min.js" defer></script>
                <script src="/dashboard/static/dashboard.js" defer></script>`
            : ''
        }
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/dashboard">vexora-checkout <span>operations</span></a>
          ${
            operator
              ? html`<nav>
                    ${NAVIGATION.map(
                      ([key, href, label]) =>
                        html`<a href="${href}" ${options.active === key ? html` aria-current="page"` : ''}
                          >${label}</a
                        >`,
                    )}
                  </nav>
                  <form class="search" method="get" action="/dashboard/search" role="search">
                    <input
                      type="search"
                      name="q"
                      placeholder="intent id, tradeNo or merchant reference"
                      aria-label="Search intents"
                      maxlength="200"
                    />
                  </form>
                  <form class="signout" method="post" action="/dashboard/logout">
                    <input type="hidden" name="_csrf" value="${operator.csrf}" />
                    <span class="operator">${operator.name}</span> <button type="submit">Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main>${options.body}</main>
      </body>
    </html> `.text;
}

export function sendPage(response: Response, status: number, options: PageOptions): void {
  setPageHeaders(response);
  response.status(status).type('html').send(renderPage(options));
}
