import type { readIntentTimeline, SearchHit } from '../intent-timeline.js';
import { html, type SafeHtml } from '../render-page.js';
import { formatAmount, formatTime, intentLink, jsonBlock, stateBadge } from './format.js';

type Timeline = NonNullable<Awaited<ReturnType<typeof readIntentTimeline>>>;

export function renderIntent(data: Timeline): SafeHtml {
  const { intent } = data;
  return html`
    <div class="heading">
      <h1>Intent <span class="mono">${intent.id}</span></h1>
      ${stateBadge(intent.state)}
    </div>
    <dl class="facts wide">
      <dt>Client / reference</dt>
      <dd>${intent.client_id} / ${intent.merchant_reference ?? '—'}</dd>
      <dt>Account</dt>
      <dd>${intent.account_id} (${intent.merchant_no})</dd>
      <dt>Amount / paid</dt>
      <dd>${formatAmount(intent.amount)} / ${formatAmount(intent.paid_amount)} ${intent.currency}</dd>
      <dt>tradeNo (generation)</dt>
      <dd class="mono">${intent.trade_no} (${intent.submission_generation})</dd>
      <dt>Vexora number</dt>
      <dd class="mono">${intent.platform_trade_no ?? '—'}</dd>
      <dt>Gateway status</dt>
      <dd class="mono">${intent.gateway_status ?? '—'}</dd>
      <dt>Last error</dt>
      <dd>${intent.last_error_code ?? '—'} ${intent.last_error_message ?? ''}</dd>
      <dt>Calls to create the order</dt>
      <dd>${intent.attempt_count}</dd>
      <dt>Created / state since</dt>
      <dd>${formatTime(intent.created_at)} / ${formatTime(intent.state_changed_at)}</dd>
    </dl>
    <h2>Timeline</h2>
    <table class="timeline">
      <thead>
        <tr>
          <th>At</th>
          <th>What</th>
          <th>Event</th>
        </tr>
      </thead>
      <tbody>
        ${data.timeline.map(
          (entry) =>
            html`<tr class="source-${entry.source}">
              <td class="mono">${formatTime(entry.at)}</td>
              <td>${entry.source}</td>
              <td>
                ${entry.summary}${
                  entry.details === undefined
                    ? ''
                    : html`<details>
                        <summary>details</summary>
                        ${jsonBlock(entry.details)}
                      </details>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Status history</h2>
    <table>
      <thead>
        <tr>
          <th>At</th>
          <th>From</th>
          <th>To</th>
          <th>Actor</th>
          <th>Reason</th>
        </tr>
      </thead>
      <tbody>
        ${data.history.map(
          (row) =>
            html`<tr>
              <td class="mono">${formatTime(row.created_at)}</td>
              <td>${stateBadge(row.from_state)}</td>
              <td>${stateBadge(row.to_state)}</td>
              <td>${row.actor}</td>
              <td>${row.reason}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>Calls to Vexora</h2>
    ${
      data.attempts.length === 0
        ? html`<p class="empty">None.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>At</th>
                <th>Kind</th>
                <th>tradeNo</th>
                <th>Outcome</th>
                <th>HTTP</th>
                <th>Code</th>
                <th>Status</th>
                <th>Latency</th>
                <th>Message / error</th>
              </tr>
            </thead>
            <tbody>
              ${data.attempts.map(
                (row) =>
                  html`<tr>
                    <td class="mono">${formatTime(row.created_at)}</td>
                    <td>${row.kind}</td>
                    <td class="mono">${row.trade_no}</td>
                    <td>${row.outcome}${row.reason ? ` (${row.reason})` : ''}</td>
                    <td>${row.http_status ?? ''}</td>
                    <td>${row.business_code ?? ''}</td>
                    <td>${row.gateway_status ?? ''}</td>
                    <td>${row.latency_ms} ms</td>
                    <td>${row.message ?? ''} ${row.error ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Notifications</h2>
    ${
      data.notifications.length === 0
        ? html`<p class="empty">None.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>#</th>
                <th>Received</th>
                <th>tradeNo</th>
                <th>Status</th>
                <th>Amount</th>
                <th>Signature</th>
                <th>Outcome</th>
                <th>Runs</th>
              </tr>
            </thead>
            <tbody>
              ${data.notifications.map(
                (row) =>
                  html`<tr>
                    <td class="mono">${row.id}</td>
                    <td class="mono">${formatTime(row.received_at)}</td>
                    <td class="mono">${row.trade_no ?? '—'}</td>
                    <td>${row.status ?? '—'}</td>
                    <td>${formatAmount(row.amount)}</td>
                    <td>${row.signature}</td>
                    <td>${row.outcome ?? 'waiting'}</td>
                    <td>${row.attempts}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Exceptions</h2>
    ${
      data.exceptions.length === 0
        ? html`<p class="empty">None.</p>`
        : data.exceptions.map(
            (row) =>
              html`<article class="exception">
                <header>
                  <h3><span class="kind">${row.kind}</span> <span class="mono">#${row.id}</span></h3>
                  ${row.resolved_at ? html`<span>resolved ${row.resolution} by ${row.resolved_by}, ${formatTime(row.resolved_at)}${row.resolution_note ? `: ${row.resolution_note}` : ''}</span>` : html`<a href="/dashboard/exceptions#exception-${row.id}">open: resolve</a>`}
                </header>
                <p>
                  Expected ${formatAmount(row.expected_amount)}, reported
                  ${formatAmount(row.reported_amount)}, status ${row.gateway_status ?? '—'}, tradeNo
                  <span class="mono">${row.trade_no ?? '—'}</span>, ${formatTime(row.created_at)}
                </p>
                <details>
                  <summary>Evidence</summary>
                  ${jsonBlock(row.evidence)}
                </details>
              </article>`,
          )
    }
    <h2>Superseded tradeNos</h2>
    ${
      data.superseded.length === 0
        ? html`<p class="empty">None.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>tradeNo</th>
                <th>Generation</th>
                <th>Vexora number</th>
                <th>Last status</th>
                <th>Reason</th>
                <th>At</th>
              </tr>
            </thead>
            <tbody>
              ${data.superseded.map(
                (row) =>
                  html`<tr>
                    <td class="mono">${row.trade_no}</td>
                    <td>${row.generation}</td>
                    <td class="mono">${row.platform_trade_no ?? '—'}</td>
                    <td>${row.gateway_status ?? '—'}</td>
                    <td>${row.reason}</td>
                    <td class="mono">${formatTime(row.superseded_at)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  `;
}

export function renderSearch(query: string, hits: SearchHit[]): SafeHtml {
  return html`
    <div class="heading"><h1>Search</h1></div>
    <form class="search-wide" method="get" action="/dashboard/search">
      <input
        type="search"
        name="q"
        value="${query}"
        maxlength="200"
        aria-label="intent id, tradeNo or merchant reference"
        autofocus
      />
      <button type="submit">Search</button>
    </form>
    ${
      query === ''
        ? html`<p class="hint">
            An intent id, a tradeNo (live or superseded), a Vexora number or a merchant reference.
          </p>`
        : hits.length === 0
          ? html`<p class="empty">Nothing matches “${query}”.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Intent</th>
                  <th>State</th>
                  <th>Client / reference</th>
                  <th>tradeNo</th>
                  <th>Amount</th>
                  <th>Created</th>
                  <th>Matched</th>
                </tr>
              </thead>
              <tbody>
                ${hits.map(
                  (row) =>
                    html`<tr>
                      <td>${intentLink(row.id)}</td>
                      <td>${stateBadge(row.state)}</td>
                      <td>${row.client_id} / ${row.merchant_reference ?? '—'}</td>
                      <td class="mono">${row.trade_no}</td>
                      <td>${formatAmount(row.amount)} ${row.currency}</td>
                      <td class="mono">${formatTime(row.created_at)}</td>
                      <td>${row.matched}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  `;
}
