/** POST /api/change: change a known password (old and new) (DESIGN §3). */
import * as z from 'zod/mini';
import { changePassword } from './core/change.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { ChangePasswordResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const changePasswordRequest = z.strictObject({
  username: z.string().check(z.maxLength(256)),
  oldPassword: z.string().check(z.maxLength(1024)),
  newPassword: z.string().check(z.maxLength(1024)),
});

export function createChangePasswordHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('changePassword', ports.logger, async (event, source) => {
    const body = await changePassword(parseJsonBody(event, changePasswordRequest), source, ports);
    return { statusCode: 200, body: body satisfies ChangePasswordResponse };
  });
}
