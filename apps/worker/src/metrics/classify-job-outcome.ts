/** A label value Prometheus can take and a dashboard can list: a short snake_case word. */
const OUTCOME_LABEL = /^[a-z][a-z_]{0,31}$/;

/**
 * The outcome label of a completed job: the `kind` its processor returned (the submit job
 * returns a `SubmitOutcome`: `awaiting_payment`, `rejected`, `skipped`, `submit_failed`), or
 * `completed` for a processor whose result names no kind. Anything that does not look like a
 * label is `completed` too, so a result can never explode the series count.
 */
export function classifyCompletedJob(result: unknown): string {
  if (typeof result === 'object' && result !== null && 'kind' in result) {
    const { kind } = result;
    if (typeof kind === 'string' && OUTCOME_LABEL.test(kind)) return kind;
  }
  return 'completed';
}

/**
 * The outcome label of a failed attempt: `retry_later` when BullMQ put the job back (delayed or
 * waiting) to run again, `failed` when it went to the failed set for good. BullMQ stamps
 * `finishedOn` only on the second (attempts exhausted, UnrecoverableError).
 */
export function classifyFailedJob(
  job: { finishedOn?: number | undefined } | undefined,
): 'retry_later' | 'failed' {
  if (!job) return 'failed'; // BullMQ lost the job: nothing will run it again
  return typeof job.finishedOn === 'number' && job.finishedOn > 0 ? 'failed' : 'retry_later';
}
