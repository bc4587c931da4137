/** POST /api/reset/choose: pick the way on among those the flow offers (docs/openapi.json). */
import * as z from 'zod/mini';
import { CHOOSABLE_METHODS, chooseMethod } from './core/flow/choose.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { AnswerResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const chooseMethodRequest = z.strictObject({
  flowId: z.string().check(z.maxLength(128)),
  method: z.enum(CHOOSABLE_METHODS),
});

export function createChooseMethodHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('chooseMethod', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await chooseMethod(parseJsonBody(event, chooseMethodRequest), source, ports)) satisfies AnswerResponse,
  }));
}
