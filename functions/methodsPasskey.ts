/**
 * POST /api/methods/passkey/begin and /finish: a passkey registered with WebAuthn, the SHA-256 of its challenge (never
 * the challenge) kept on the methods session between the two (issue 16).
 */
import * as z from 'zod/mini';
import { beginPasskey, finishPasskey } from './core/methods/passkeyMethods.js';
import { knownTransports, type RegistrationResponseJSON } from './core/methods/passkeys.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { MethodsPasskeyBeginResponse, MethodsPasskeyFinishResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const methodsToken = z.string().check(z.maxLength(128));
const base64url = z.string().check(z.maxLength(8192));
export const methodsPasskeyBeginRequest = z.strictObject({ methodsToken });

/** RegistrationResponseJSON as a browser's PublicKeyCredential.toJSON() gives it; unknown keys are dropped. */
const registrationCredential = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url,
    attestationObject: base64url,
    authenticatorData: z.optional(base64url),
    transports: z.optional(z.array(z.string().check(z.maxLength(32))).check(z.maxLength(16))),
    publicKeyAlgorithm: z.optional(z.int()),
    publicKey: z.optional(base64url),
  }),
  authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
  clientExtensionResults: z.object({
    credProps: z.optional(z.object({ rk: z.optional(z.boolean()) })),
  }),
});

export const methodsPasskeyFinishRequest = z.strictObject({
  methodsToken,
  name: z.string().check(z.maxLength(256)),
  credential: registrationCredential,
});

export function createMethodsPasskeyBeginHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsPasskeyBegin', ports.logger, async (event, source) => {
    const body = await beginPasskey(parseJsonBody(event, methodsPasskeyBeginRequest), source, ports);
    return { statusCode: 200, body: body satisfies MethodsPasskeyBeginResponse };
  });
}

export function createMethodsPasskeyFinishHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('methodsPasskeyFinish', ports.logger, async (event, source) => {
    const input = parseJsonBody(event, methodsPasskeyFinishRequest);
    // Transports WebAuthn does not know (yet) are dropped, not refused.
    const { transports, ...response } = input.credential.response;
    const credential: RegistrationResponseJSON = {
      ...input.credential,
      response: { ...response, ...(transports ? { transports: knownTransports(transports) } : {}) },
    };
    const body = await finishPasskey({ ...input, credential }, source, ports);
    return { statusCode: 200, body: body satisfies MethodsPasskeyFinishResponse };
  });
}
