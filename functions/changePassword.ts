/** POST /api/change: change a known password (old and new) (DESIGN §3). */
import * as z from 'zod/mini';
import { changePassword } from './core/change.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const changeBody = z.strictObject({
  username: z.string().check(z.maxLength(256)),
  oldPassword: z.string().check(z.maxLength(1024)),
  newPassword: z.string().check(z.maxLength(1024)),
});

export function createChangePasswordHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('changePassword', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: await changePassword(parseJsonBody(event, changeBody), source, ports),
  }));
}
