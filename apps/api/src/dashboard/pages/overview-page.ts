import type { readOverview } from '../dashboard-queries.js';
import { html, jsonForScript, type SafeHtml } from '../render-page.js';
import { dataTable, formatAmount, formatCount } from './format.js';

export const OVERVIEW_HOURS = [1, 3, 6, 12, 24] as const;

type Overview = Awaited<ReturnType<typeof readOverview>>;

const TOTALS = [
  ['created', 'Created'],
  ['linked', 'Linked'],
  ['paid', 'Paid'],
  ['partially_paid', 'Partially paid'],
  ['failed', 'Failed'],
  ['rejected', 'Rejected'],
  ['submit_failed', 'Submit failed'],
  ['expired', 'Expired'],
] as const;

const minuteLabel = (minute: Date) => minute.toISOString().slice(11, 16);

export function renderOverview(overview: Overview, hours: number): SafeHtml {
  const totals = Object.fromEntries(
    TOTALS.map(([key]) => [key, overview.activity.reduce((sum, row) => sum + row[key], 0)]),
  ) as Record<(typeof TOTALS)[number][0], number>;
  const linkByMinute = new Map(overview.timeToLink.map((row) => [row.minute.getTime(), row]));
  const chartData = {
    labels: overview.activity.map((row) => minuteLabel(row.minute)),
    created: overview.activity.map((row) => row.created),
    linked: overview.activity.map((row) => row.linked),
    paid: overview.activity.map((row) => row.paid + row.partially_paid),
    failed: overview.activity.map((row) => row.failed + row.rejected + row.submit_failed),
    p50: overview.activity.map((row) => linkByMinute.get(row.minute.getTime())?.p50_ms ?? null),
    p99: overview.activity.map((row) => linkByMinute.get(row.minute.getTime())?.p99_ms ?? null),
  };
  const { backlog } = overview;
  return html`
    <div class="heading">
      <h1>Overview</h1>
      <nav class="ranges" aria-label="Time range">
        ${OVERVIEW_HOURS.map(
          (option) =>
            html`<a href="/dashboard?hours=${option}" ${option === hours ? html` aria-current="true"` : ''}
              >${option} h</a
            >`,
        )}
      </nav>
    </div>
    <p class="hint">
      The last ${hours} h, by minute (UTC), from the views <code>intent_activity_per_minute</code>,
      <code>time_to_link_per_minute</code> and <code>intent_daily_totals</code>.
    </p>
    <section class="cards" aria-label="Needs attention">
      <a class="card${backlog.open_exceptions > 0 ? ' alert' : ''}" href="/dashboard/exceptions"
        ><span>Open exceptions</span
        ><strong data-backlog="open_exceptions">${formatCount(backlog.open_exceptions)}</strong></a
      >
      <a class="card${backlog.stuck_intents > 0 ? ' alert' : ''}" href="/dashboard/stuck"
        ><span>Stuck intents</span
        ><strong data-backlog="stuck_intents">${formatCount(backlog.stuck_intents)}</strong></a
      >
      <div class="card">
        <span>Notifications not reconciled</span
        ><strong data-backlog="unprocessed_notifications"
          >${formatCount(backlog.unprocessed_notifications)}</strong
        >
      </div>
    </section>
    <section class="cards" aria-label="Totals">
      ${TOTALS.map(
        ([key, label]) =>
          html`<div class="card">
            <span>${label}</span><strong data-total="${key}">${formatCount(totals[key])}</strong>
          </div>`,
      )}
    </section>
    <section class="charts">
      <figure>
        <figcaption>State changes per minute</figcaption>
        <div class="chart">
          <canvas
            id="activity-chart"
            role="img"
            aria-label="Created, linked, paid and failed per minute"
          ></canvas>
        </div>
      </figure>
      <figure>
        <figcaption>Time to payment link per minute (ms)</figcaption>
        <div class="chart">
          <canvas id="link-chart" role="img" aria-label="p50 and p99 time to link per minute"></canvas>
        </div>
      </figure>
    </section>
    <section>
      <h2>Amounts by currency</h2>
      <p class="hint">Intents created in the range, by currency (states as of now).</p>
      ${dataTable(
        overview.currencies,
        [
          { label: 'Currency', cell: (row) => row.currency },
          { label: 'Intents', field: 'intents', cell: (row) => formatCount(row.intents) },
          { label: 'Requested', field: 'requested', cell: (row) => formatAmount(row.requested) },
          { label: 'Paid', field: 'paid', cell: (row) => formatAmount(row.paid) },
        ],
        {
          className: 'numbers',
          empty: 'No intents in this range.',
          rowAttributes: (row) => html` data-currency="${row.currency}"`,
        },
      )}
    </section>
    <script type="application/json" id="overview-data">
      ${jsonForScript(chartData)}
    </script>
  `;
}
