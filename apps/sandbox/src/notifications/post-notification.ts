import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ReceiverAnswer {
  status: number;
  /** The body as text, cut at `MAX_BODY_BYTES` (only its first bytes matter). */
  body: string;
}

/** What a notification sender does over the network; tests inject their own. */
export type PostNotification = (url: string, body: string, signal: AbortSignal) => Promise<ReceiverAnswer>;

const MAX_BODY_BYTES = 4_096;

/**
 * POSTs a JSON notification body and reads the answer. One connection per delivery (no
 * keep-alive agent): nothing outlives the attempt, and an abort (timeout, stop) closes it.
 * Only http and https URLs are accepted (checked again here, not only at checkout).
 */
export const postNotification: PostNotification = (url, body, signal) =>
  new Promise<ReceiverAnswer>((resolve, reject) => {
    const target = new URL(url);
    const send =
      target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      reject(new Error(`unsupported URL scheme ${target.protocol}`));
      return;
    }
    const outgoing = send(
      target,
      {
        method: 'POST',
        agent: false,
        signal,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'vexora-sandbox-notifier',
        },
      },
      (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
