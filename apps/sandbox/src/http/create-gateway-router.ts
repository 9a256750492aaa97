import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import type { GatewayEnvelope, SandboxGateway } from '../gateway/sandbox-gateway.js';
import type { GatewayEndpoint } from '../scenario/scenario-schema.js';

/** Bodies of the gateway calls are small; a larger one is refused before it is read. */
const BODY_LIMIT = '64kb';

/**
 * Vexora's API (`POST /v1/vexora/checkout`, `POST /v1/vexora/queryPayInResult`) with the
 * scenario's faults and latency. Every business answer is HTTP 200 with the contract's envelope,
 * rejections included (`8000`); only the `http500` fault answers otherwise.
 */
export function createGatewayRouter(gateway: SandboxGateway): Router {
  const router = express.Router();
  const json = express.json({ limit: BODY_LIMIT });
  router.post('/v1/vexora/checkout', json, (request, response) => {
    answer(
      gateway,
      'checkout',
      request,
      response,
      (merchantNo, body) => gateway.checkout(merchantNo, body).envelope,
    );
  });
  router.post('/v1/vexora/queryPayInResult', json, (request, response) => {
    answer(gateway, 'query', request, response, (merchantNo, body) => gateway.query(merchantNo, body));
  });
  router.use('/v1/vexora', unreadableBody(gateway));
  return router;
}

function answer(
  gateway: SandboxGateway,
  endpoint: GatewayEndpoint,
  request: Request,
  response: Response,
  call: (merchantNo: string | undefined, body: unknown) => GatewayEnvelope,
): void {
  const process = () => {
    const merchantNo = request.get('merchantNo');
    // express.json leaves the body unset when the request is not JSON.
    if (request.body === undefined) return gateway.rejection('Content-Type must be application/json');
    return call(merchantNo, request.body);
  };
  const destroy = () => request.socket.destroy();
  const reply = (status: number, body: GatewayEnvelope | string) => {
    const latency = gateway.chooseLatency();
    if (latency === 0) send(response, status, body);
    else gateway.later(latency, () => send(response, status, body), destroy);
  };
  switch (gateway.chooseFault(endpoint)) {
    case 'reset':
      destroy();
      return;
    case 'lostResponse':
      process();
      destroy();
      return;
    case 'timeout': {
      const { timeoutHoldMs, timeoutThen } = gateway.scenario.faults;
      if (timeoutThen === 'drop') {
        gateway.later(timeoutHoldMs, destroy, destroy);
      } else {
        const envelope = process();
        gateway.later(timeoutHoldMs, () => send(response, 200, envelope), destroy);
      }
      return;
    }
    case 'http500':
      reply(500, 'Internal Server Error (simulated by the sandbox scenario)');
      return;
    case 'code5000':
      reply(200, gateway.systemException());
      return;
    case undefined:
      reply(200, process());
      return;
  }
}

function send(response: Response, status: number, body: GatewayEnvelope | string): void {
  // The client may have given up (held answers): there is no one left to answer.
  if (response.destroyed || response.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type':
      typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** A body express.json could not read: the contract's rejection, not an HTML error page. */
function unreadableBody(gateway: SandboxGateway): ErrorRequestHandler {
  return (error: unknown, _request, response, next) => {
    const type = (error as { type?: unknown }).type;
    if (typeof type !== 'string') {
      next(error);
      return;
    }
    const message =
      type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : type === 'entity.too.large'
          ? `the body is larger than ${BODY_LIMIT}`
          : `the body cannot be read (${type})`;
    send(response, 200, gateway.rejection(message));
  };
}
