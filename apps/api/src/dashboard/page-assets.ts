// The dashboard's page script and stylesheet, served from /dashboard/static/ (same origin, so the
// CSP needs no 'unsafe-inline'). Kept as strings in a module rather than as files: they then exist
// wherever the api's code does (sources under tsx, dist after the build) with no copy step.

/**
 * The overview's charts: reads the figures the server embedded in #overview-data (a JSON block,
 * not a script) and draws them with Chart.js, loaded before it from the same origin. Browser
 * JavaScript, checked by the end-to-end test (no console error, canvases drawn).
 */
export const PAGE_SCRIPT = `'use strict';

(function drawOverviewCharts() {
  const source = document.getElementById('overview-data');
  if (!source || typeof Chart === 'undefined') return;
  const data = JSON.parse(source.textContent || '{}');
  const colours = {
    created: '#2563eb',
    linked: '#7c3aed',
    paid: '#059669',
    failed: '#dc2626',
    p50: '#0891b2',
    p99: '#ea580c',
  };
  const line = (label, values, colour) => ({
    label,
    data: values,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 1.5,
    pointRadius: 0,
    tension: 0.2,
    spanGaps: false,
  });
  const options = {
    animation: false,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: { ticks: { maxTicksLimit: 12, autoSkip: true } },
      y: { beginAtZero: true },
    },
    plugins: { legend: { position: 'bottom' } },
  };
  Chart.defaults.font.family = 'system-ui, sans-serif';

  new Chart(document.getElementById('activity-chart'), {
    type: 'line',
    data: {
      labels: data.labels,
      datasets: [
        line('created', data.created, colours.created),
        line('linked', data.linked, colours.linked),
        line('paid (in full or part)', data.paid, colours.paid),
        line('failed (failed, rejected, submit failed)', data.failed, colours.failed),
      ],
    },
    options,
  });
  new Chart(document.getElementById('link-chart'), {
    type: 'line',
    data: {
      labels: data.labels,
      datasets: [line('p50', data.p50, colours.p50), line('p99', data.p99, colours.p99)],
    },
    options,
  });
  document.body.dataset.chartsReady = 'true';
})();
`;

export const PAGE_STYLE = `:root {
  --ink: #1f2933;
  --muted: #616e7c;
  --line: #d9e2ec;
  --panel: #ffffff;
  --back: #f5f7fa;
  --accent: #2563eb;
  --alert: #b91c1c;
  font-family:
    system-ui,
    -apple-system,
    'Segoe UI',
    sans-serif;
  color: var(--ink);
  background: var(--back);
}
body {
  margin: 0;
}
a {
  color: var(--accent);
}
code,
.mono {
  font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
  font-size: 0.9em;
}
.top {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 1rem;
  padding: 0.6rem 1.5rem;
  background: #102a43;
  color: #f0f4f8;
}
.top a {
  color: #f0f4f8;
  text-decoration: none;
}
.brand {
  font-weight: 600;
}
.brand span {
  font-weight: 400;
  opacity: 0.7;
}
.top nav {
  display: flex;
  gap: 1rem;
}
.top nav a[aria-current='page'] {
  border-bottom: 2px solid #9fb3c8;
}
.search {
  flex: 1;
  display: flex;
  justify-content: flex-end;
}
.search input {
  width: min(24rem, 100%);
  padding: 0.3rem 0.5rem;
  border-radius: 4px;
  border: 0;
}
.signout {
  display: flex;
  align-items: center;
  gap: 0.5rem;
}
.signout button {
  background: transparent;
  color: #f0f4f8;
  border: 1px solid #9fb3c8;
  border-radius: 4px;
  cursor: pointer;
}
main {
  padding: 1rem 1.5rem 3rem;
  max-width: 1400px;
  margin: 0 auto;
}
.heading {
  display: flex;
  align-items: center;
  gap: 1rem;
  flex-wrap: wrap;
}
.heading h1 {
  margin: 0.5rem 0;
  font-size: 1.5rem;
}
.ranges {
  display: flex;
  gap: 0.25rem;
}
.ranges a {
  padding: 0.2rem 0.6rem;
  border: 1px solid var(--line);
  border-radius: 4px;
  background: var(--panel);
  text-decoration: none;
}
.ranges a[aria-current='true'] {
  background: var(--accent);
  color: white;
  border-color: var(--accent);
}
.hint {
  color: var(--muted);
  margin: 0.25rem 0 1rem;
}
.cards {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
  gap: 0.75rem;
  margin-bottom: 1rem;
}
.card {
  display: flex;
  flex-direction: column;
  padding: 0.75rem 1rem;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 6px;
  color: var(--ink);
  text-decoration: none;
}
.card span {
  color: var(--muted);
  font-size: 0.85rem;
}
.card strong {
  font-size: 1.6rem;
  font-variant-numeric: tabular-nums;
}
.card.alert strong {
  color: var(--alert);
}
.charts {
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr));
  gap: 1rem;
}
figure {
  margin: 0;
  padding: 0.75rem;
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 6px;
}
figcaption {
  font-weight: 600;
  margin-bottom: 0.5rem;
}
.chart {
  position: relative;
  height: 260px;
}
table {
  border-collapse: collapse;
  width: 100%;
  background: var(--panel);
  margin-bottom: 1.5rem;
  font-size: 0.9rem;
}
th,
td {
  text-align: left;
  padding: 0.4rem 0.6rem;
  border-bottom: 1px solid var(--line);
  vertical-align: top;
}
thead th {
  background: #f0f4f8;
  font-weight: 600;
}
table.numbers td {
  font-variant-numeric: tabular-nums;
  text-align: right;
}
table.numbers td:first-child {
  text-align: left;
  font-weight: 600;
}
.empty {
  color: var(--muted);
}
.state {
  display: inline-block;
  padding: 0 0.4rem;
  border-radius: 3px;
  font-size: 0.8rem;
  background: #e4e7eb;
  font-family: ui-monospace, monospace;
}
.state-paid {
  background: #d1fae5;
}
.state-partially_paid {
  background: #fef3c7;
}
.state-failed,
.state-rejected,
.state-submit_failed {
  background: #fee2e2;
}
.state-awaiting_payment {
  background: #ede9fe;
}
.exception {
  background: var(--panel);
  border: 1px solid var(--line);
  border-left: 4px solid var(--alert);
  border-radius: 6px;
  padding: 0.75rem 1rem;
  margin-bottom: 1rem;
}
.exception header {
  display: flex;
  justify-content: space-between;
  align-items: baseline;
  gap: 1rem;
}
.exception h2,
.exception h3 {
  margin: 0;
  font-size: 1.05rem;
}
.kind {
  font-family: ui-monospace, monospace;
}
.age {
  color: var(--muted);
}
.facts {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 0.2rem 1rem;
  margin: 0.75rem 0;
}
.facts dt {
  color: var(--muted);
}
.facts dd {
  margin: 0;
}
.facts.wide {
  background: var(--panel);
  padding: 1rem;
  border: 1px solid var(--line);
  border-radius: 6px;
}
pre.json {
  background: #f0f4f8;
  padding: 0.75rem;
  overflow: auto;
  max-height: 24rem;
  font-size: 0.8rem;
}
.resolve {
  display: flex;
  flex-wrap: wrap;
  gap: 0.75rem;
  align-items: flex-end;
  margin-top: 0.5rem;
}
.resolve label {
  display: flex;
  flex-direction: column;
  font-size: 0.85rem;
  color: var(--muted);
}
.resolve textarea {
  min-width: 20rem;
}
button {
  padding: 0.35rem 0.9rem;
  border-radius: 4px;
  border: 1px solid var(--accent);
  background: var(--accent);
  color: white;
  cursor: pointer;
}
.notice {
  padding: 0.6rem 1rem;
  border-radius: 6px;
}
.notice-ok {
  background: #d1fae5;
}
.notice-error {
  background: #fee2e2;
}
.login {
  max-width: 26rem;
  margin: 4rem auto;
  background: var(--panel);
  padding: 1.5rem 2rem;
  border: 1px solid var(--line);
  border-radius: 8px;
}
.login form {
  display: flex;
  flex-direction: column;
  gap: 0.75rem;
}
.login label {
  display: flex;
  flex-direction: column;
  gap: 0.25rem;
}
.login input {
  padding: 0.4rem;
}
.search-wide {
  display: flex;
  gap: 0.5rem;
  margin-bottom: 1rem;
}
.search-wide input {
  flex: 1;
  padding: 0.4rem;
}
.timeline details {
  margin-top: 0.25rem;
}
`;

/** A plain mark, so browsers find an icon instead of a 404. */
export const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#102a43"/><path d="M4 4l4 8 4-8" stroke="#9fb3c8" stroke-width="2" fill="none"/></svg>';
