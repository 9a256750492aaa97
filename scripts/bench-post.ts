// One POST over node:http for the load generators: an answer is always returned, never thrown, so
// a failed request is counted instead of stopping the run.
import { request as httpRequest, type Agent } from 'node:http';

export interface HttpAnswer {
  /** 0: connection error or timeout. */
  status: number;
  body: string;
  timedOut: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** Why there is no answer, when status is 0 and it did not time out. */
  error?: string;
}

export function post(
  agent: Agent,
  port: number,
  path: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: HttpAnswer) => {
      if (!settled) {
        settled = true;
        resolve(answer);
      }
    };
    const failed = (error: string) => finish({ status: 0, body: '', timedOut: false, headers: {}, error });
    const request = httpRequest(
      {
        agent,
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          finish({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            timedOut: false,
            headers: response.headers,
          }),
        );
        response.on('error', () => failed('response error'));
      },
    );
    request.setTimeout(timeoutMs, () => {
      finish({ status: 0, body: '', timedOut: true, headers: {} });
      request.destroy();
    });
    request.on('error', (error) => failed(error.message));
    request.end(body);
  });
}
