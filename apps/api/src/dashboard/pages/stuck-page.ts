import type { readStuckIntents } from '../dashboard-queries.js';
import { html, type SafeHtml } from '../render-page.js';
import { formatAge, formatCount, formatTime, intentLink, stateBadge } from './format.js';

export function renderStuck(stuck: Awaited<ReturnType<typeof readStuckIntents>>): SafeHtml {
  return html`
    <div class="heading"><h1>Stuck intents</h1></div>
    <p class="hint">
      Intents in a non-final state past the state's threshold (views <code>stuck_intents_by_state</code> and
      <code>stuck_intents</code>). Normally empty: the worker's sweeps act long before these thresholds.
    </p>
    <table class="numbers">
      <thead>
        <tr>
          <th>State</th>
          <th>Threshold</th>
          <th>Intents</th>
          <th>Oldest since</th>
          <th>Oldest age</th>
        </tr>
      </thead>
      <tbody>
        ${
          stuck.byState.length === 0
            ? html`<tr>
                <td colspan="5" class="empty">No stuck intent.</td>
              </tr>`
            : stuck.byState.map(
                (row) =>
                  html`<tr data-state="${row.state}">
                    <th>${stateBadge(row.state)}</th>
                    <td>${row.threshold}</td>
                    <td data-field="intents">${formatCount(row.intents)}</td>
                    <td>${formatTime(row.oldest_since)}</td>
                    <td>${formatAge(row.oldest_since)}</td>
                  </tr>`,
              )
        }
      </tbody>
    </table>
    ${
      stuck.intents.length === 0
        ? ''
        : html`<h2>Oldest first (at most 200)</h2>
            <table>
              <thead>
                <tr>
                  <th>Intent</th>
                  <th>State</th>
                  <th>For</th>
                  <th>Client / reference</th>
                  <th>tradeNo</th>
                  <th>Attempts</th>
                  <th>Last error</th>
                </tr>
              </thead>
              <tbody>
                ${stuck.intents.map(
                  (row) =>
                    html`<tr>
                      <td>${intentLink(row.intent_id)}</td>
                      <td>${stateBadge(row.state)}</td>
                      <td title="${formatTime(row.state_changed_at)}">${formatAge(row.state_changed_at)}</td>
                      <td>${row.client_id} / ${row.merchant_reference ?? '—'}</td>
                      <td class="mono">${row.trade_no}</td>
                      <td>${row.attempt_count}</td>
                      <td>${row.last_error_code ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  `;
}
