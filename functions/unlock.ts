/** POST /api/unlock: unlock the account on a verified unlock flow (DESIGN §3). */
import * as z from 'zod/mini';
import { unlockAccount } from './core/flow/unlock.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { UnlockResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const unlockRequest = z.strictObject({ flowId: z.string().check(z.maxLength(128)) });

export function createUnlockHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('unlock', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await unlockAccount(parseJsonBody(event, unlockRequest), source, ports)) satisfies UnlockResponse,
  }));
}
