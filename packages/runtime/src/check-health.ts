export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** One entry per dependency: "ok" or the reason it failed. */
  checks: Record<string, string>;
}

/**
 * Runs every dependency check in parallel, each bounded by `timeoutMs`, so a hung database
 * makes the probe answer "unavailable" quickly instead of hanging the probe itself.
 */
export async function checkHealth(
  checks: Record<string, HealthCheck>,
  timeoutMs = 2_000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, string]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return [name, 'ok'];
      } catch (error) {
        return [name, error instanceof Error ? error.message : String(error)];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  const healthy = entries.every(([, result]) => result === 'ok');
  return { status: healthy ? 'ok' : 'unavailable', checks: report };
}
