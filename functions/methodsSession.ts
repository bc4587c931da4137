/** POST /api/methods/session: prove the AD password, then a token for adding and removing recovery methods (issue 16). */
import * as z from 'zod/mini';
import { startMethodsSession } from './core/methods/methodsSession.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { MethodsSessionResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const methodsSessionRequest = z.strictObject({
  username: z.string().check(z.maxLength(256)),
  password: z.string().check(z.maxLength(1024)),
});

export function createMethodsSessionHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsSession', ports.logger, async (event, source) => {
    const body = await startMethodsSession(parseJsonBody(event, methodsSessionRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsSessionResponse };
  });
}
