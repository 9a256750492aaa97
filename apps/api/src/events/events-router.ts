import type { PrismaClient } from '@vexora-checkout/db';
import { Router } from 'express';
import { principalOf } from '../auth/require-api-key.js';
import { ApiProblem } from '../problems/api-problem.js';
import { zodFieldErrors } from '../problems/zod-field-errors.js';
import { listEvents, listEventsQuerySchema } from './list-events.js';

/** `/v1/events`: every state change of the client's intents, in order, behind one cursor. */
export function createEventsRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.get('/', async (request, response) => {
    const principal = principalOf(response.locals);
    const query = listEventsQuerySchema.safeParse(request.query);
    if (!query.success) {
      throw new ApiProblem('validation_failed', 'The query is invalid.', {
        errors: zodFieldErrors(query.error, 'query'),
      });
    }
    const page = await listEvents(prisma, principal.clientId, query.data.after, query.data.limit);
    response.json({ data: page.events, nextCursor: page.nextCursor });
  });
  return router;
}
