/**
 * POST /api/methods/authenticator/begin and /confirm: an authenticator app's seed made on the server, stored once the
 * user typed a current code of it (issue 16).
 */
import * as z from 'zod/mini';
import { beginAuthenticator, confirmAuthenticator } from './core/methods/enrollMethods.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { MethodsAuthenticatorBeginResponse, MethodsAuthenticatorConfirmResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const methodsToken = z.string().check(z.maxLength(128));
export const methodsAuthenticatorBeginRequest = z.strictObject({ methodsToken });
export const methodsAuthenticatorConfirmRequest = z.strictObject({
  methodsToken,
  code: z.string().check(z.maxLength(32)),
});

export function createMethodsAuthenticatorBeginHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsAuthenticatorBegin', ports.logger, async (event, source) => {
    const body = await beginAuthenticator(parseJsonBody(event, methodsAuthenticatorBeginRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsAuthenticatorBeginResponse };
  });
}

export function createMethodsAuthenticatorConfirmHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsAuthenticatorConfirm', ports.logger, async (event, source) => {
    const body = await confirmAuthenticator(parseJsonBody(event, methodsAuthenticatorConfirmRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsAuthenticatorConfirmResponse };
  });
}
