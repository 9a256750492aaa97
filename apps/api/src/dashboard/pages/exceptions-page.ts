import type { OpenException, ResolvedException } from '../dashboard-queries.js';
import { html, type SafeHtml } from '../render-page.js';
import { RESOLUTION_LABELS, RESOLUTIONS } from '../resolve-exception.js';
import {
  dataTable,
  formatAge,
  formatAmount,
  formatCount,
  formatTime,
  intentLink,
  jsonBlock,
  stateBadge,
} from './format.js';

export interface ExceptionsNotice {
  kind: 'ok' | 'error';
  text: string;
}

export function renderExceptions(input: {
  open: OpenException[];
  resolved: ResolvedException[];
  csrf: string;
  notice?: ExceptionsNotice;
}): SafeHtml {
  const { open, resolved, csrf, notice } = input;
  return html`
    <div class="heading"><h1>Reconciliation exceptions</h1></div>
    ${notice ? html`<p class="notice notice-${notice.kind}" role="status">${notice.text}</p>` : ''}
    <p class="hint">
      ${formatCount(open.length)} open (oldest first, at most 200), from the view
      <code>open_reconciliation_exceptions</code>. Each resolution is written to the exception and to
      <code>operator_audit_log</code> in one transaction.
    </p>
    ${
      open.length === 0
        ? html`<p class="empty">No open exception.</p>`
        : open.map(
            (row) =>
              html` <article class="exception" id="exception-${row.id}" data-exception-id="${row.id}">
                <header>
                  <h2><span class="kind">${row.kind}</span> <span class="mono">#${row.id}</span></h2>
                  <span class="age" title="${formatTime(row.created_at)}"
                    >${formatAge(row.created_at)} ago</span
                  >
                </header>
                <dl class="facts">
                  <dt>Intent</dt>
                  <dd>${intentLink(row.intent_id)} ${stateBadge(row.intent_state)}</dd>
                  <dt>Client / reference</dt>
                  <dd>${row.client_id ?? '—'} / ${row.merchant_reference ?? '—'}</dd>
                  <dt>tradeNo</dt>
                  <dd class="mono">${row.trade_no ?? '—'}</dd>
                  <dt>Account</dt>
                  <dd>${row.account_id ?? '—'}</dd>
                  <dt>Expected / reported</dt>
                  <dd>
                    ${formatAmount(row.expected_amount)} / ${formatAmount(row.reported_amount)}
                    ${row.currency ?? ''}
                  </dd>
                  <dt>Gateway status</dt>
                  <dd class="mono">${row.gateway_status ?? '—'}</dd>
                  <dt>Notification</dt>
                  <dd class="mono">${row.notification_id ? `#${row.notification_id}` : '—'}</dd>
                </dl>
                <details>
                  <summary>Evidence</summary>
                  ${jsonBlock(row.evidence)}
                </details>
                <form class="resolve" method="post" action="/dashboard/exceptions/${row.id}/resolve">
                  <input type="hidden" name="_csrf" value="${csrf}" />
                  <label
                    >Resolution
                    <select name="resolution" required>
                      <option value="">Choose…</option>
                      ${RESOLUTIONS.map((value) => html`<option value="${value}">${RESOLUTION_LABELS[value]}</option>`)}
                    </select>
                  </label>
                  <label
                    >Note
                    <textarea
                      name="note"
                      rows="2"
                      maxlength="2000"
                      placeholder="What was done, with references"
                    ></textarea>
                  </label>
                  <button type="submit">Mark resolved</button>
                </form>
              </article>`,
          )
    }
    <h2>Recently resolved</h2>
    ${dataTable(
      resolved,
      [
        { label: '#', className: 'mono', cell: (row) => row.id },
        { label: 'Kind', cell: (row) => row.kind },
        { label: 'Intent', cell: (row) => intentLink(row.intent_id) },
        { label: 'Resolution', cell: (row) => row.resolution },
        { label: 'Note', cell: (row) => row.resolution_note },
        { label: 'By', cell: (row) => row.resolved_by },
        { label: 'At', cell: (row) => formatTime(row.resolved_at) },
      ],
      { empty: 'None yet.', rowAttributes: (row) => html` data-resolved-id="${row.id}"` },
    )}
  `;
}
