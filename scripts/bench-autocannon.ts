// Closed-loop load with autocannon: `connections` keep-alive clients, each waiting for its answer.
import { createRequire } from 'node:module';

/** The subset of autocannon's API used here (the package ships no types). */
export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}

export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { average: number; total: number };
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  method: string;
  headers: Record<string, string>;
  body?: string;
  requests?: AutocannonRequest[];
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult> & { stop(): void };
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Runs autocannon to its end, or until `signal` aborts (Ctrl-C), and returns its figures. */
export async function runAutocannon(
  options: AutocannonOptions,
  signal: AbortSignal,
): Promise<AutocannonResult> {
  const instance = autocannon(options);
  const stop = () => instance.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await instance; // a thenable EventEmitter: it has then and catch, not finally
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
