import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** One POST to Vexora, ready to go: the body is already validated, signed and serialised. */
export interface GatewayCall {
  dispatcher: Dispatcher;
  origin: string;
  path: string;
  merchantNo: string;
  body: string;
  /** Deadline for the whole exchange: queueing, connecting, sending, headers and body. */
  timeoutMs: number;
  /** A longer answer is abandoned (and treated as unreadable). */
  maxResponseBytes: number;
}

/**
 * How the exchange ended, as far as the transport can tell:
 * - `response`: a complete HTTP response, whatever its status;
 * - `not_sent`: the request was certainly never written to a socket;
 * - `timeout`, `connection_lost`: the request may have been written, and no complete answer came;
 * - `too_large`: the answer exceeded `maxResponseBytes`.
 */
export type GatewayExchange =
  | { kind: 'response'; status: number; headers: ResponseHeaders; body: string; latencyMs: number }
  | {
      kind: 'not_sent' | 'timeout' | 'connection_lost' | 'too_large';
      error: string;
      latencyMs: number;
      /** Present when the response's head had arrived. */
      status?: number;
      headers?: ResponseHeaders;
      /** Whatever part of the body had arrived. */
      body?: string;
    };

/** undici's own timeouts, raised after the request was written: the same as our deadline. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Sends one request and never rejects: every way it can end is a `GatewayExchange`.
 *
 * Sent or not sent. undici calls a dispatch handler's `onRequestStart` from `writeH1`
 * (lib/dispatcher/client-h1.js) when the request has a connected socket and immediately *before*
 * its first byte is written; if the handler aborts there, `writeH1` sees `request.aborted` and
 * writes nothing. Everything that can fail earlier (DNS lookup `ENOTFOUND`, `ECONNREFUSED`,
 * `UND_ERR_CONNECT_TIMEOUT`, a reset or TLS failure while connecting, waiting in the pool's
 * queue) fails before that hook. So the rule needs no list of error codes:
 * - an error, or our deadline, before `onRequestStart` → `not_sent` (certainly not written);
 * - after it → `timeout` or `connection_lost` (maybe written: resolve through the Query API).
 * A request whose deadline passes while it is still queued or connecting is reported
 * `not_sent` at once, and aborted in `onRequestStart` if a socket frees up later, so it can
 * never be written after we have said it was not. Diagnostics channels
 * (`undici:client:sendHeaders`) would tell the same, but they are process-wide and would need
 * matching back to this request; the handler is local to it.
 *
 * The conservative edge: a keep-alive socket that the server closed while idle fails the write
 * *after* `onRequestStart`, so it reads as `connection_lost` although Vexora probably never saw
 * the request. That costs one Query, never a double submission. The pool's keep-alive timeouts
 * (see `createGatewayPool`) keep this rare.
 */
export function sendGatewayRequest(call: GatewayCall): Promise<GatewayExchange> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const elapsed = () => Math.round(performance.now() - startedAt);
    let settled = false;
    /** `onRequestStart` ran: from here on, bytes may have reached the server. */
    let mayHaveBeenSent = false;
    let deadlinePassed = false;
    let controller: Dispatcher.DispatchController | undefined;
    let status: number | undefined;
    let headers: ResponseHeaders | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const partialBody = () => (chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined);
    const settle = (exchange: GatewayExchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(exchange);
    };
    const fail = (kind: 'not_sent' | 'timeout' | 'connection_lost' | 'too_large', error: string) => {
      const body = partialBody();
      settle({
        kind,
        error,
        latencyMs: elapsed(),
        ...(status === undefined ? {} : { status, headers }),
        ...(body === undefined ? {} : { body }),
      });
    };

    const deadline = setTimeout(() => {
      deadlinePassed = true;
      if (!mayHaveBeenSent) {
        fail(
          'not_sent',
          `no connection within the ${call.timeoutMs} ms deadline; the request was not written`,
        );
        return;
      }
      fail('timeout', `no complete answer within the ${call.timeoutMs} ms deadline`);
      controller?.abort(new Error('deadline passed'));
    }, call.timeoutMs);

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(start) {
        controller = start;
        if (deadlinePassed || settled) {
          // Already reported as not sent: make sure it never is.
          start.abort(new Error('deadline passed before the request was written'));
          return;
        }
        mayHaveBeenSent = true;
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders;
      },
      onResponseData(active, chunk) {
        received += chunk.length;
        if (received > call.maxResponseBytes) {
          fail('too_large', `response body larger than ${call.maxResponseBytes} bytes`);
          active.abort(new Error('response too large'));
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        settle({
          kind: 'response',
          status: status ?? 0,
          headers: headers ?? {},
          body: partialBody() ?? '',
          latencyMs: elapsed(),
        });
      },
      onResponseError(_controller, error) {
        // Called without a controller when the request failed before `onRequestStart`.
        if (!mayHaveBeenSent) fail('not_sent', describeError(error));
        else if (deadlinePassed || TIMEOUT_CODES.has(errorCode(error) ?? ''))
          fail('timeout', describeError(error));
        else fail('connection_lost', describeError(error));
      },
    };

    try {
      call.dispatcher.dispatch(
        {
          origin: call.origin,
          path: call.path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            merchantNo: call.merchantNo,
          },
          body: call.body,
          // A POST is not idempotent: never pipeline it behind another request or replay it.
          idempotent: false,
        },
        handler,
      );
    } catch (error) {
      // Thrown synchronously (an invalid option): nothing was written.
      fail('not_sent', describeError(error));
    }
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** `CODE: message` of a transport error (an `AggregateError` lists its parts). */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts =
    error instanceof AggregateError && error.message === ''
      ? error.errors.map((part) => describeError(part)).join(', ')
      : error.message;
  const code = errorCode(error);
  return code === undefined ? parts : `${code}: ${parts}`;
}
