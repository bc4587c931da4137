/** POST /api/reset/answer: check the answer to the current challenge, a question or a code (DESIGN §3). */
import * as z from 'zod/mini';
import { answerChallenge } from './core/flow/answer.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { AnswerResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const answerRequest = z.strictObject({
  flowId: z.string().check(z.maxLength(128)),
  answer: z.string().check(z.maxLength(1024)),
});

export function createAnswerHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('answer', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await answerChallenge(parseJsonBody(event, answerRequest), source, ports)) satisfies AnswerResponse,
  }));
}
