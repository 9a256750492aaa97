import type { Logger } from '@vexora-checkout/runtime';
import express, { type ErrorRequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { SandboxGateway } from '../gateway/sandbox-gateway.js';
import { parseScenario } from '../scenario/parse-scenario.js';

const ledgerQuerySchema = z.strictObject({
  merchantNo: z.string().min(1).optional(),
  tradeNo: z.string().min(1).optional(),
  offset: z.coerce.number({ error: 'must be a number' }).int().min(0, 'must not be negative').default(0),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(1_000),
});

const settleBodySchema = z.discriminatedUnion(
  'outcome',
  [
    z.strictObject({ outcome: z.literal('paid') }),
    z.strictObject({ outcome: z.literal('failed') }),
    z.strictObject({
      outcome: z.literal('partial'),
      amount: z.string({ error: 'must be a decimal string' }),
    }),
  ],
  { error: 'must be "paid", "partial" or "failed"' },
);

const issuesOf = (error: z.ZodError) =>
  error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });

/**
 * Controls for tests and developers, under `/_sandbox`: the scenario, reset, the ledger of true
 * states, and settling an order without the cashier page. Unauthenticated: the sandbox binds to
 * loopback by default and must never face the internet.
 */
export function createAdminRouter(gateway: SandboxGateway, logger: Logger): Router {
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/scenario', (_request, response) => {
    response.json({ scenario: gateway.scenario, seed: gateway.seed });
  });

  router.put('/scenario', (request, response) => {
    const result = parseScenario(request.body ?? {});
    if (!result.ok) {
      response.status(400).json({ error: 'invalid scenario', issues: result.issues });
      return;
    }
    gateway.scenario = result.scenario;
    logger.info({ scenario: result.scenario }, 'scenario changed');
    response.json({ scenario: result.scenario });
  });

  router.post('/reset', async (_request, response) => {
    const cleared = gateway.orderCount;
    await gateway.reset();
    logger.info({ cleared }, 'sandbox reset');
    response.json({ cleared, scenario: gateway.scenario, seed: gateway.seed });
  });

  router.get('/ledger', (request, response) => {
    const query = ledgerQuerySchema.safeParse(request.query);
    if (!query.success) {
      response.status(400).json({ error: 'invalid ledger query', issues: issuesOf(query.error) });
      return;
    }
    const { merchantNo, tradeNo, offset, limit } = query.data;
    const orders = [];
    let total = 0;
    for (const order of gateway.orders({ merchantNo, tradeNo })) {
      if (total >= offset && orders.length < limit) orders.push(gateway.describe(order));
      total += 1;
    }
    response.json({ total, offset, limit, capacity: gateway.maxOrders, orders });
  });

  router.post('/orders/:merchantNo/:tradeNo/settle', (request, response) => {
    const order = gateway.findOrder(request.params.merchantNo, request.params.tradeNo);
    if (!order) {
      response.status(404).json({ error: 'no such order' });
      return;
    }
    const body = settleBodySchema.safeParse(request.body ?? {});
    if (!body.success) {
      response.status(400).json({ error: 'invalid settlement', issues: issuesOf(body.error) });
      return;
    }
    const result = gateway.settle(order, body.data, 'admin');
    if (!result.ok) {
      response.status(order.status === '0015' ? 400 : 409).json({ error: result.message });
      return;
    }
    logger.info({ tradeNo: order.tradeNo, status: order.status }, 'order settled by the admin API');
    response.json({ order: gateway.describe(order) });
  });

  const badJson: ErrorRequestHandler = (error: unknown, _request, response, next) => {
    const type = (error as { type?: unknown }).type;
    if (typeof type !== 'string') {
      next(error);
      return;
    }
    response
      .status(400)
      .json({ error: type === 'entity.parse.failed' ? 'the body is not valid JSON' : type });
  };
  router.use(badJson);
  return router;
}
