import type { readStuckIntents } from '../dashboard-queries.js';
import { html, type SafeHtml } from '../render-page.js';
import { dataTable, formatAge, formatCount, formatTime, intentLink, stateBadge } from './format.js';

export function renderStuck(stuck: Awaited<ReturnType<typeof readStuckIntents>>): SafeHtml {
  return html`
    <div class="heading"><h1>Stuck intents</h1></div>
    <p class="hint">
      Intents in a non-final state past the state's threshold (views <code>stuck_intents_by_state</code> and
      <code>stuck_intents</code>). Normally empty: the worker's sweeps act long before these thresholds.
    </p>
    ${dataTable(
      stuck.byState,
      [
        { label: 'State', cell: (row) => stateBadge(row.state) },
        { label: 'Threshold', cell: (row) => row.threshold },
        { label: 'Intents', field: 'intents', cell: (row) => formatCount(row.intents) },
        { label: 'Oldest since', cell: (row) => formatTime(row.oldest_since) },
        { label: 'Oldest age', cell: (row) => formatAge(row.oldest_since) },
      ],
      {
        className: 'numbers',
        empty: 'No stuck intent.',
        rowAttributes: (row) => html` data-state="${row.state}"`,
      },
    )}
    ${
      stuck.intents.length === 0
        ? ''
        : html`<h2>Oldest first (at most 200)</h2>
            ${dataTable(stuck.intents, [
              { label: 'Intent', cell: (row) => intentLink(row.intent_id) },
              { label: 'State', cell: (row) => stateBadge(row.state) },
              { label: 'For', cell: (row) => formatAge(row.state_changed_at) },
              {
                label: 'Client / reference',
                cell: (row) => `${row.client_id} / ${row.merchant_reference ?? '—'}`,
              },
              { label: 'tradeNo', className: 'mono', cell: (row) => row.trade_no },
              { label: 'Attempts', cell: (row) => row.attempt_count },
              { label: 'Last error', cell: (row) => row.last_error_code },
            ])}`
    }
  `;
}
