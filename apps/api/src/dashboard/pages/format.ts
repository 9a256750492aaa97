import { html, type Interpolation, type SafeHtml } from '../render-page.js';

/** 1234567 -> "1,234,567". */
export const formatCount = (value: number | string) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A decimal string with thousands separators, by string work only: "1234567.50" -> "1,234,567.50". */
export function formatAmount(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const [whole = '', fraction] = value.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  return `${sign}${formatCount(digits)}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** "2026-11-26 17:02:16 UTC". */
export const formatTime = (value: Date | null | undefined) =>
  value ? `${value.toISOString().slice(0, 19).replace('T', ' ')} UTC` : '—';

/** "3 d 4 h", "12 min", "40 s" since `since`. */
export function formatAge(since: Date, now = new Date()): string {
  const seconds = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** JSON, pretty-printed and escaped, in a <pre>. */
export const jsonBlock = (value: unknown): SafeHtml =>
  html`<pre class="json">${JSON.stringify(value ?? null, null, 2)}</pre>`;

export const intentLink = (id: string | null | undefined): SafeHtml =>
  id ? html`<a class="mono" href="/dashboard/intents/${id}">${id}</a>` : html`—`;

export const stateBadge = (state: string | null | undefined): SafeHtml =>
  state ? html`<span class="state state-${state.toLowerCase()}">${state}</span>` : html`—`;

export interface Column<Row> {
  label: string;
  cell: (row: Row) => Interpolation;
  /** Class of the cells (e.g. `mono`). */
  className?: string;
  /** `data-field` of the cells, for tests and scripts to find a figure. */
  field?: string;
}

/** A table of `rows` by `columns`; `empty` when there is no row. */
export function dataTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  options: { empty?: string; className?: string; rowAttributes?: (row: Row) => SafeHtml } = {},
): SafeHtml {
  const cell = (column: Column<Row>, row: Row) =>
    html`<td${column.className ? html` class="${column.className}"` : ''}${
      column.field ? html` data-field="${column.field}"` : ''
    }>${column.cell(row)}</td>`;
  return html`<table${options.className ? html` class="${options.className}"` : ''}>
<thead><tr>${columns.map((column) => html`<th>${column.label}</th>`)}</tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr>
          <td colspan="${columns.length}" class="empty">${options.empty ?? 'None.'}</td>
        </tr>`
      : rows.map(
          (row) =>
            html`<tr${options.rowAttributes ? options.rowAttributes(row) : ''}>${columns.map((column) => cell(column, row))}</tr>`,
        )
  }</tbody>
</table>`;
}
