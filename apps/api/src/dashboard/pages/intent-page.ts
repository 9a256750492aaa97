import type { readIntentTimeline, SearchHit } from '../intent-timeline.js';
import { html, type SafeHtml } from '../render-page.js';
import {
  dataTable,
  formatAmount,
  type Column,
  formatTime,
  intentLink,
  jsonBlock,
  stateBadge,
} from './format.js';

type Timeline = NonNullable<Awaited<ReturnType<typeof readIntentTimeline>>>;

/** A column of times. */
const at = <Row>(label: string, pick: (row: Row) => Date | null): Column<Row> => ({
  label,
  className: 'mono',
  cell: (row) => formatTime(pick(row)),
});

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
    ${dataTable(
      data.timeline,
      [
        at('At', (row: (typeof data.timeline)[number]) => row.at),
        { label: 'What', cell: (row) => row.source },
        {
          label: 'Event',
          cell: (row) =>
            html`${row.summary}${
              row.details === undefined
                ? ''
                : html`<details>
                    <summary>details</summary>
                    ${jsonBlock(row.details)}
                  </details>`
            }`,
        },
      ],
      { className: 'timeline', rowAttributes: (row) => html` class="source-${row.source}"` },
    )}
    <h2>Status history</h2>
    ${dataTable(data.history, [
      at('At', (row: (typeof data.history)[number]) => row.created_at),
      { label: 'From', cell: (row) => stateBadge(row.from_state) },
      { label: 'To', cell: (row) => stateBadge(row.to_state) },
      { label: 'Actor', cell: (row) => row.actor },
      { label: 'Reason', cell: (row) => row.reason },
    ])}
    <h2>Calls to Vexora</h2>
    ${dataTable(data.attempts, [
      at('At', (row: (typeof data.attempts)[number]) => row.created_at),
      { label: 'Kind', cell: (row) => row.kind },
      { label: 'tradeNo', className: 'mono', cell: (row) => row.trade_no },
      { label: 'Outcome', cell: (row) => `${row.outcome}${row.reason ? ` (${row.reason})` : ''}` },
      { label: 'HTTP', cell: (row) => row.http_status },
      { label: 'Code', cell: (row) => row.business_code },
      { label: 'Status', cell: (row) => row.gateway_status },
      { label: 'Latency', cell: (row) => `${row.latency_ms} ms` },
      { label: 'Message / error', cell: (row) => `${row.message ?? ''} ${row.error ?? ''}` },
    ])}
    <h2>Notifications</h2>
    ${dataTable(data.notifications, [
      { label: '#', className: 'mono', cell: (row) => row.id },
      at('Received', (row: (typeof data.notifications)[number]) => row.received_at),
      { label: 'tradeNo', className: 'mono', cell: (row) => row.trade_no ?? '—' },
      { label: 'Status', cell: (row) => row.status ?? '—' },
      { label: 'Amount', cell: (row) => formatAmount(row.amount) },
      { label: 'Signature', cell: (row) => row.signature },
      { label: 'Outcome', cell: (row) => row.outcome ?? 'waiting' },
      { label: 'Runs', cell: (row) => row.attempts },
    ])}
    <h2>Exceptions</h2>
    ${
      data.exceptions.length === 0
        ? html`<p class="empty">None.</p>`
        : data.exceptions.map(
            (row) =>
              html`<article class="exception">
                <header>
                  <h3><span class="kind">${row.kind}</span> <span class="mono">#${row.id}</span></h3>
                  ${
                    row.resolved_at
                      ? html`<span
                          >resolved ${row.resolution} by ${row.resolved_by},
                          ${formatTime(row.resolved_at)}${row.resolution_note ? `: ${row.resolution_note}` : ''}</span
                        >`
                      : html`<a href="/dashboard/exceptions#exception-${row.id}">open: resolve</a>`
                  }
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
    ${dataTable(data.superseded, [
      { label: 'tradeNo', className: 'mono', cell: (row) => row.trade_no },
      { label: 'Generation', cell: (row) => row.generation },
      { label: 'Vexora number', className: 'mono', cell: (row) => row.platform_trade_no ?? '—' },
      { label: 'Last status', cell: (row) => row.gateway_status ?? '—' },
      { label: 'Reason', cell: (row) => row.reason },
      at('At', (row: (typeof data.superseded)[number]) => row.superseded_at),
    ])}
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
        : dataTable(
            hits,
            [
              { label: 'Intent', cell: (row) => intentLink(row.id) },
              { label: 'State', cell: (row) => stateBadge(row.state) },
              {
                label: 'Client / reference',
                cell: (row) => `${row.client_id} / ${row.merchant_reference ?? '—'}`,
              },
              { label: 'tradeNo', className: 'mono', cell: (row) => row.trade_no },
              { label: 'Amount', cell: (row) => `${formatAmount(row.amount)} ${row.currency}` },
              at('Created', (row: SearchHit) => row.created_at),
              { label: 'Matched', cell: (row) => row.matched },
            ],
            { empty: `Nothing matches “${query}”.` },
          )
    }
  `;
}
