import {
  VexoraCheckoutApiError,
  type CheckoutBatchItemResult,
  type VexoraCheckoutClient,
} from '@vexora-checkout/client';
import { buildCheckoutItem, type CheckoutItem } from './build-checkout-item.js';
import { createProgressReporter, type ProgressStream } from './create-progress-reporter.js';
import { createResultsWriter } from './create-results-writer.js';
import { estimateRowCount } from './estimate-row-count.js';
import { readOrderRows, type InputFormat } from './read-order-rows.js';
import type { ResultRow } from './result-row.js';

type ValidItem = Extract<CheckoutItem, { ok: true }>;

export interface BulkCreateOptions {
  file: string;
  format: InputFormat;
  resultsPath: string;
  client: VexoraCheckoutClient;
  /** Batches in flight at once. */
  concurrency: number;
  /** Items per batch (at most 1,000, the API's limit). */
  batchSize: number;
  keyPrefix: string;
  /** Progress and failed rows go here (stderr). */
  stderr: ProgressStream;
  /** Stops reading; batches in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Failed rows printed one by one before the rest go to the results file only. */
  maxReportedFailures?: number;
}

export interface BulkCreateReport {
  rows: number;
  created: number;
  replayed: number;
  /** Rows without an intent of their own: invalid, refused by the API, or not answered. */
  failed: number;
  /** Why the run stopped before the end of the file, if it did. */
  stopped: { reason: 'unauthenticated' | 'api_failure' | 'interrupted'; message: string } | null;
}

/**
 * `bulk create`: streams the orders of a file through `POST /v1/checkouts/batch`, `concurrency`
 * batches at a time, and writes what became of each order to the results file.
 *
 * A bad row is reported with its line and skipped; the rest goes on. Every order's idempotency
 * key comes from its orderId, so running the same file again (after a crash, a Ctrl-C, an API
 * outage) replays the orders already created instead of creating them twice, and completes the
 * results file. A batch the API did not answer even after the client's retries stops the run:
 * carrying on against an API that is down would only fill the results file with failures.
 */
export async function runBulkCreate(options: BulkCreateOptions): Promise<BulkCreateReport> {
  const report: BulkCreateReport = { rows: 0, created: 0, replayed: 0, failed: 0, stopped: null };
  const maxReported = options.maxReportedFailures ?? 50;
  let reported = 0;
  let done = 0;
  const total = await estimateRowCount(options.file, options.format === 'csv');
  const rows = readOrderRows(options.file, options.format);
  // The first row is read before the results file is opened: a file refused as a whole (a bad
  // CSV header) must not wipe the results of an earlier run.
  const first = await rows.next();
  const progress = createProgressReporter(options.stderr, { total, label: 'orders' });
  const writer = await createResultsWriter(options.resultsPath);

  const write = async (resultRows: ResultRow[]) => {
    done += resultRows.length;
    await writer.write(resultRows);
    progress.update(done, report.failed);
  };
  const reportFailure = (row: ResultRow) => {
    report.failed += 1;
    reported += 1;
    if (reported <= maxReported) {
      progress.log(`line ${row.line}${row.orderId ? ` (order ${row.orderId})` : ''}: ${row.error}`);
    } else if (reported === maxReported + 1) {
      progress.log(`… more failed rows: see ${options.resultsPath}`);
    }
  };

  /** Sends one chunk's batch; resolves with the chunk's result rows in input order. Never throws. */
  const settle = async (chunk: Chunk): Promise<ResultRow[]> => {
    const items = chunk.filter((entry): entry is ValidItem => entry.ok);
    let rowOf: (item: ValidItem, index: number) => ResultRow;
    try {
      const answer = await options.client.createCheckoutBatch(
        items.map((item) => ({ idempotencyKey: item.idempotencyKey, checkout: item.checkout })),
      );
      rowOf = (item, index) => {
        const result = answer.results[index];
        if (result?.outcome === 'created') report.created += 1;
        if (result?.outcome === 'replayed' && result.intent) report.replayed += 1;
        return toResultRow(item, result);
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.stopped ??= {
        reason:
          error instanceof VexoraCheckoutApiError && error.status === 401 ? 'unauthenticated' : 'api_failure',
        message,
      };
      rowOf = (item) => failedRow(item, `no answer from the API (${message}); run again to complete`);
    }
    let position = 0;
    return chunk.map((entry) => {
      if (!entry.ok) return invalidRow(entry);
      const row = rowOf(entry, position);
      position += 1;
      if (row.error !== '') reportFailure(row);
      return row;
    });
  };

  // Chunks in flight, oldest first: at most `concurrency`, written in input order as they settle,
  // so memory stays bounded and the results file follows the input file.
  const inFlight: Promise<ResultRow[]>[] = [];
  const writeOldest = async () => {
    const oldest = inFlight.shift();
    if (oldest) await write(await oldest);
  };
  const submit = async (chunk: Chunk) => {
    if (chunk.length === 0) return;
    while (inFlight.length >= options.concurrency) await writeOldest();
    inFlight.push(
      chunk.some((entry) => entry.ok)
        ? settle(chunk)
        : Promise.resolve(chunk.map((entry) => invalidRow(entry as InvalidItem))),
    );
  };

  let chunk: Chunk = [];
  let valid = 0;
  try {
    for (let next = first; !next.done; next = await rows.next()) {
      if (report.stopped) break;
      if (options.signal?.aborted) {
        report.stopped = { reason: 'interrupted', message: 'interrupted before the end of the file' };
        break;
      }
      report.rows += 1;
      const item = buildCheckoutItem(next.value, options.keyPrefix);
      chunk.push(item);
      if (!item.ok) reportFailure(invalidRow(item));
      else valid += 1;
      // A long run of bad rows is flushed too, so a chunk never grows without bound.
      if (valid >= options.batchSize || chunk.length >= 2 * options.batchSize) {
        await submit(chunk);
        chunk = [];
        valid = 0;
      }
    }
    if (!report.stopped) await submit(chunk);
    else {
      const notSent = chunk.map((entry) =>
        entry.ok ? failedRow(entry, 'not sent: the run stopped; run again to complete') : invalidRow(entry),
      );
      for (const row of notSent) if (row.error.startsWith('not sent')) reportFailure(row);
      inFlight.push(Promise.resolve(notSent));
    }
    while (inFlight.length > 0) await writeOldest();
  } finally {
    await rows.return(undefined);
    // Only reached early when writing failed: let what was sent settle before closing.
    await Promise.allSettled(inFlight);
    progress.finish(done, report.failed);
    await writer.close();
  }
  return report;
}

type InvalidItem = Extract<CheckoutItem, { ok: false }>;
/** Rows of the input in order, up to `batchSize` valid ones: the unit sent and written. */
type Chunk = CheckoutItem[];

function invalidRow(item: InvalidItem): ResultRow {
  return {
    orderId: item.orderId ?? '',
    intentId: '',
    tradeNo: '',
    state: '',
    error: item.error,
    line: item.line,
  };
}

function toResultRow(item: ValidItem, result: CheckoutBatchItemResult | undefined): ResultRow {
  if (!result) return failedRow(item, 'the API answered no result for this item');
  if (result.intent) {
    return {
      orderId: item.orderId,
      intentId: result.intent.id,
      tradeNo: result.intent.tradeNo,
      state: result.intent.state,
      error: '',
      line: item.line,
    };
  }
  const problem = result.problem;
  const fields = problem?.errors?.map((error) => `${error.path}: ${error.message}`).join('; ');
  return {
    ...failedRow(
      item,
      `${problem?.code ?? result.status}: ${problem?.detail ?? ''}${fields ? ` (${fields})` : ''}`,
    ),
    // A merchantReference already taken names the intent that holds it: worth keeping.
    intentId: problem?.existing?.id ?? '',
  };
}

function failedRow(item: ValidItem, error: string): ResultRow {
  return { orderId: item.orderId, intentId: '', tradeNo: '', state: '', error, line: item.line };
}
