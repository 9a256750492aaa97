// A small SVG line chart of the soak's samples: one panel per group of series, minutes on the
// x axis, a dashed line where the judged window starts. Hand-written so that the soak needs no
// charting dependency; the output is plain SVG 1.1 that browsers and GitHub render.

export interface ChartSeries {
  label: string;
  values: readonly number[];
}

export interface ChartPanel {
  title: string;
  unit: string;
  series: readonly ChartSeries[];
}

export interface ChartInput {
  title: string;
  subtitle: string;
  /** Minutes since the start of the load, one per sample. */
  minutes: readonly number[];
  /** Where the judged window starts, in minutes. */
  judgedFrom: number;
  panels: readonly ChartPanel[];
}

const WIDTH = 820;
const PANEL_HEIGHT = 190;
const MARGIN = { left: 78, right: 190, top: 34, bottom: 34 };
const HEADER = 58;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf', '#7f7f7f'];

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round steps (1, 2, 5 × 10^n) from 0 (or the minimum, when negative) to at least the maximum. */
function niceTicks(min: number, max: number, count = 4): number[] {
  const low = Math.min(0, min);
  const high = max > low ? max : low + 1;
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let tick = Math.floor(low / step) * step; tick < high + step; tick += step) ticks.push(tick);
  return ticks;
}

function formatTick(value: number): string {
  if (Math.abs(value) >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (Math.abs(value) >= 10_000) return `${+(value / 1_000).toFixed(1)}k`;
  return `${+value.toFixed(2)}`;
}

function panel(input: ChartInput, spec: ChartPanel, top: number): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const left = MARGIN.left;
  const plotTop = top + MARGIN.top;
  const finite = spec.series.flatMap((series) => series.values.filter(Number.isFinite));
  const yTicks = niceTicks(Math.min(...finite, 0), Math.max(...finite, 0));
  const yMin = yTicks[0] ?? 0;
  const yMax = yTicks.at(-1) ?? 1;
  const lastMinute = Math.max(input.minutes.at(-1) ?? 1, 1e-9);
  const xTicks = niceTicks(0, lastMinute, 6).filter((tick) => tick <= lastMinute + 1e-9);
  const x = (minute: number) => left + (minute / lastMinute) * plotWidth;
  const y = (value: number) => plotTop + plotHeight - ((value - yMin) / (yMax - yMin || 1)) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="${top + 20}" class="panel">${escape(spec.title)}</text>`);
  parts.push(
    `<text transform="translate(${left - 56} ${plotTop + plotHeight / 2}) rotate(-90)" class="axis" ` +
      `text-anchor="middle">${escape(spec.unit)}</text>`,
  );
  for (const tick of yTicks) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" class="grid"/>`,
      `<text x="${left - 6}" y="${(y(tick) + 4).toFixed(1)}" class="tick" text-anchor="end">${formatTick(tick)}</text>`,
    );
  }
  for (const tick of xTicks) {
    parts.push(
      `<text x="${x(tick).toFixed(1)}" y="${plotTop + plotHeight + 16}" class="tick" text-anchor="middle">` +
        `${formatTick(tick)}</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${plotTop + plotHeight + 30}" class="axis" text-anchor="middle">` +
      'minutes of load</text>',
    `<rect x="${left}" y="${plotTop}" width="${plotWidth}" height="${plotHeight}" class="frame"/>`,
    `<line x1="${x(input.judgedFrom).toFixed(1)}" x2="${x(input.judgedFrom).toFixed(1)}" y1="${plotTop}" ` +
      `y2="${plotTop + plotHeight}" class="judged"/>`,
  );
  spec.series.forEach((series, index) => {
    const colour = COLOURS[index % COLOURS.length] ?? '#000';
    const points = series.values
      .map((value, sample) =>
        Number.isFinite(value) && input.minutes[sample] !== undefined
          ? `${x(input.minutes[sample]).toFixed(1)},${y(value).toFixed(1)}`
          : undefined,
      )
      .filter((point): point is string => point !== undefined);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const legendY = plotTop + 6 + index * 16;
    parts.push(
      `<line x1="${left + plotWidth + 14}" x2="${left + plotWidth + 32}" y1="${legendY}" y2="${legendY}" ` +
        `stroke="${colour}" stroke-width="2.5"/>`,
      `<text x="${left + plotWidth + 38}" y="${legendY + 4}" class="legend">${escape(series.label)}</text>`,
    );
  });
  return parts.join('\n');
}

export function renderSoakChart(input: ChartInput): string {
  const height = HEADER + input.panels.length * PANEL_HEIGHT;
  const body = input.panels.map((spec, index) => panel(input, spec, HEADER + index * PANEL_HEIGHT));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
      'font-family="Helvetica, Arial, sans-serif">',
    '<style>',
    '.title{font-size:16px;font-weight:bold}.subtitle{font-size:11px;fill:#555}.panel{font-size:13px;font-weight:bold}',
    '.axis{font-size:11px;fill:#333}.tick{font-size:10px;fill:#555}.legend{font-size:11px}',
    '.grid{stroke:#e5e5e5}.frame{fill:none;stroke:#999}.judged{stroke:#999;stroke-dasharray:4 3}',
    '</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN.left}" y="24" class="title">${escape(input.title)}</text>`,
    `<text x="${MARGIN.left}" y="42" class="subtitle">${escape(input.subtitle)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
