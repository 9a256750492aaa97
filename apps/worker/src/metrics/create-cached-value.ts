export interface CachedValueOptions<T> {
  /** Produces a fresh value (a query); may be slow or fail. */
  load: () => Promise<T>;
  /** At most one load starts per this many ms, whatever the number of readers or failures. */
  ttlMs: number;
  /** How long a reader waits for a load it triggered before taking what there is. */
  waitMs: number;
  /** A value older than this is not served any more: better no series than a wrong one. */
  maxAgeMs: number;
  onError: (error: unknown) => void;
  now?: () => number;
}

export interface CachedValue<T> {
  /** The latest value no older than `maxAgeMs`, refreshed first when older than `ttlMs`. */
  get(): Promise<T | undefined>;
  /** Age in ms of the value `get` would serve, or undefined when there is none. */
  ageMs(): number | undefined;
}

/**
 * A value that is expensive to compute (a count over millions of rows), shared by every scrape:
 * one load at a time, one load per `ttlMs` at most (a failing one too, so an outage or a slow
 * database is not asked again on every scrape), and a reader never waits longer than `waitMs`;
 * a load that takes longer keeps running and serves the next readers.
 */
export function createCachedValue<T>(options: CachedValueOptions<T>): CachedValue<T> {
  const now = options.now ?? Date.now;
  let value: { data: T; at: number } | undefined;
  let attemptedAt: number | undefined;
  let loading: Promise<void> | undefined;

  const current = (): T | undefined =>
    value && now() - value.at <= options.maxAgeMs ? value.data : undefined;

  const startLoad = (): Promise<void> => {
    attemptedAt = now();
    const started = attemptedAt;
    return options
      .load()
      .then(
        (data) => {
          value = { data, at: started };
        },
        (error: unknown) => options.onError(error),
      )
      .finally(() => {
        loading = undefined;
      });
  };

  return {
    async get() {
      const fresh = value && now() - value.at < options.ttlMs;
      const mayAttempt = attemptedAt === undefined || now() - attemptedAt >= options.ttlMs;
      if (!fresh && !loading && mayAttempt) loading = startLoad();
      if (loading && !fresh) {
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.waitMs);
          timer.unref();
        });
        await Promise.race([loading, waited]);
        clearTimeout(timer);
      }
      return current();
    },
    ageMs() {
      return current() === undefined || !value ? undefined : now() - value.at;
    },
  };
}
