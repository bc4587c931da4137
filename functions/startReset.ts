/** POST /api/reset/start: open a reset or unlock flow and return the first challenge (DESIGN §3). */
import * as z from 'zod/mini';
import { startFlow } from './core/flow/start.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { StartResetResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const startResetRequest = z.strictObject({
  username: z.string().check(z.maxLength(256)),
  purpose: z.enum(['reset', 'unlock']),
});

export function createStartResetHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('startReset', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await startFlow(parseJsonBody(event, startResetRequest), source, ports)) satisfies StartResetResponse,
  }));
}
