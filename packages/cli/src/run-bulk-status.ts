import { rename, rm } from 'node:fs/promises';
import { VexoraCheckoutApiError, type VexoraCheckoutClient } from '@vexora-checkout/client';
import { createProgressReporter, type ProgressStream } from './create-progress-reporter.js';
import { createResultsWriter } from './create-results-writer.js';
import { createTaskPool } from './create-task-pool.js';
import { estimateRowCount } from './estimate-row-count.js';
import { FileError } from './file-error.js';
import { readCsvFile } from './read-csv-file.js';
import { RESULT_COLUMNS, type ResultRow } from './result-row.js';

export interface BulkStatusOptions {
  resultsPath: string;
  client: VexoraCheckoutClient;
  /** Reads in flight at once. */
  concurrency: number;
  stderr: ProgressStream;
  signal?: AbortSignal;
}

export interface BulkStatusReport {
  rows: number;
  /** Rows per state; rows without an intent count under `(no intent)`. */
  byState: Map<string, number>;
  /** Rows with an error (from the create run, or from this refresh). */
  failed: number;
  stopped: { reason: 'unauthenticated' | 'api_failure' | 'interrupted'; message: string } | null;
}

/** Rows refreshed together: reads run concurrently inside a chunk, and it is written in order. */
const CHUNK_ROWS = 1_000;

/**
 * `bulk status`: reads each intent of a results file again (`GET /v1/checkouts/:id`,
 * `concurrency` at a time) and rewrites the file with the current state and tradeNo (a tradeNo
 * changes when a superseding order was issued). The file is replaced atomically, in the same
 * order, so an interrupted refresh leaves the previous file intact.
 */
export async function runBulkStatus(options: BulkStatusOptions): Promise<BulkStatusReport> {
  const report: BulkStatusReport = { rows: 0, byState: new Map(), failed: 0, stopped: null };
  const temporary = `${options.resultsPath}.${process.pid}.tmp`;
  const progress = createProgressReporter(options.stderr, {
    total: await estimateRowCount(options.resultsPath, true),
    label: 'intents',
  });
  const writer = await createResultsWriter(temporary);
  let complete = false;
  try {
    let header: string[] | undefined;
    let chunk: ResultRow[] = [];
    const flush = async () => {
      await refreshChunk(chunk, options, report);
      for (const row of chunk) {
        const state = row.state === '' ? '(no intent)' : row.state;
        report.byState.set(state, (report.byState.get(state) ?? 0) + 1);
        if (row.error !== '') report.failed += 1;
      }
      report.rows += chunk.length;
      await writer.write(chunk);
      progress.update(report.rows, report.failed);
      chunk = [];
    };
    for await (const record of readCsvFile(options.resultsPath)) {
      if (record.error) throw new FileError(`line ${record.line}: ${record.error}`);
      if (!header) {
        header = record.fields;
        if (RESULT_COLUMNS.some((column) => !header?.includes(column))) {
          throw new FileError(`not a results file: its header must name ${RESULT_COLUMNS.join(', ')}`);
        }
        continue;
      }
      const value = (column: string) => record.fields[header?.indexOf(column) ?? -1] ?? '';
      chunk.push({
        orderId: value('orderId'),
        intentId: value('intentId'),
        tradeNo: value('tradeNo'),
        state: value('state'),
        error: value('error'),
        line: Number(value('line')),
      });
      if (chunk.length >= CHUNK_ROWS) await flush();
    }
    if (!header) throw new FileError('the results file is empty');
    await flush();
    complete = true;
  } finally {
    progress.finish(report.rows, report.failed);
    await writer.close();
    if (complete) await rename(temporary, options.resultsPath);
    else await rm(temporary, { force: true });
  }
  return report;
}

async function refreshChunk(rows: ResultRow[], options: BulkStatusOptions, report: BulkStatusReport) {
  const pool = createTaskPool(options.concurrency);
  for (const row of rows) {
    if (row.intentId === '') continue;
    if (report.stopped) break;
    if (options.signal?.aborted) {
      report.stopped = { reason: 'interrupted', message: 'interrupted before the end of the file' };
      break;
    }
    await pool.add(async () => {
      try {
        const intent = await options.client.getCheckout(row.intentId);
        row.state = intent.state;
        row.tradeNo = intent.tradeNo;
      } catch (error) {
        if (error instanceof VexoraCheckoutApiError && error.code === 'not_found') {
          row.state = '';
          row.error = `not_found: ${error.detail}`;
          return;
        }
        const message = error instanceof Error ? error.message : String(error);
        report.stopped ??= {
          reason:
            error instanceof VexoraCheckoutApiError && error.status === 401
              ? 'unauthenticated'
              : 'api_failure',
          message,
        };
      }
    });
  }
  await pool.drain();
}
