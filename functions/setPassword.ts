/** POST /api/reset/password: set a new password on a verified reset flow; also unlocks (DESIGN §3). */
import * as z from 'zod/mini';
import { setPassword } from './core/flow/setPassword.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { SetPasswordResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const setPasswordRequest = z.strictObject({
  flowId: z.string().check(z.maxLength(128)),
  newPassword: z.string().check(z.maxLength(1024)),
});

export function createSetPasswordHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('setPassword', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await setPassword(parseJsonBody(event, setPasswordRequest), source, ports)) satisfies SetPasswordResponse,
  }));
}
