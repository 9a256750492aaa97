import type { Response } from 'express';
import type { ApiProblem, ProblemBody } from './api-problem.js';

export function sendProblemBody(response: Response, body: ProblemBody): void {
  response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

export function sendProblem(response: Response, problem: ApiProblem, instance?: string): void {
  sendProblemBody(response, problem.toBody(instance));
}
