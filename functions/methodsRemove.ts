/** POST /api/methods/remove: remove the authenticator app, the recovery codes or one passkey by its id (issue 16). */
import * as z from 'zod/mini';
import { removeMethod } from './core/methods/enrollMethods.js';
import { LEAVE_NO_RECOVERY } from './core/methods/recoverability.js';
import { NOTICE_METHODS } from './core/notifications.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { MethodsRemoveResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const methodsRemoveRequest = z.strictObject({
  methodsToken: z.string().check(z.maxLength(128)),
  method: z.enum(NOTICE_METHODS),
  /** The passkey's id, with `method: "passkey"` only. */
  id: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** Says the request knows the removal leaves the account no way to recover (else that is refused as VALIDATION). */
  confirm: z.optional(z.literal(LEAVE_NO_RECOVERY)),
});

export function createMethodsRemoveHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsRemove', ports.logger, async (event, source) => {
    const body = await removeMethod(parseJsonBody(event, methodsRemoveRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsRemoveResponse };
  });
}
