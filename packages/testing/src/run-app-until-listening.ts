import { startAppProcess, type AppProcess } from './start-app-process.js';

export interface ListeningApp {
  app: AppProcess;
  port: number;
  /** GETs a path on the app and returns status and parsed JSON body. */
  get: (path: string) => Promise<{ status: number; body: unknown }>;
}

/**
 * Starts an app process whose port setting is 0 and waits for its "listening" log line, which
 * carries the bound port. The caller stops it (`app.stop()`), which the tests assert on.
 */
export async function runAppUntilListening(
  entry: string,
  env: Record<string, string>,
): Promise<ListeningApp> {
  const app = startAppProcess(entry, env);
  const line = await app.waitForLog(
    (entry) => typeof entry.port === 'number' && String(entry.msg).includes('listening'),
  );
  const port = line.port as number;
  return {
    app,
    port,
    get: async (path) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const body: unknown = await response.json();
      return { status: response.status, body };
    },
  };
}
