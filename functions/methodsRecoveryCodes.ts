/** POST /api/methods/recovery-codes: a new set of recovery codes, shown once, replacing the old (issue 16). */
import * as z from 'zod/mini';
import { issueRecoveryCodeSet } from './core/methods/enrollMethods.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { MethodsRecoveryCodesResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const methodsRecoveryCodesRequest = z.strictObject({ methodsToken: z.string().check(z.maxLength(128)) });

export function createMethodsRecoveryCodesHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsRecoveryCodes', ports.logger, async (event, source) => {
    const body = await issueRecoveryCodeSet(parseJsonBody(event, methodsRecoveryCodesRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsRecoveryCodesResponse };
  });
}
