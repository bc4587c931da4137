/** POST /api/reset/passkey: a passkey's assertion answers the flow's passkey step (issue 16). */
import * as z from 'zod/mini';
import { answerPasskey } from './core/flow/passkeyAnswer.js';
import type { AuthenticationResponseJSON } from './core/methods/passkeys.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { ResetPasskeyResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const base64url = z.string().check(z.maxLength(8192));

/** AuthenticationResponseJSON as a browser's PublicKeyCredential.toJSON() gives it; unknown keys are dropped. */
const assertion = z.object({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: z.optional(base64url),
  }),
  authenticatorAttachment: z.optional(z.enum(['platform', 'cross-platform'])),
  clientExtensionResults: z.object({}),
});

export const resetPasskeyRequest = z.strictObject({
  flowId: z.string().check(z.maxLength(128)),
  credential: assertion,
});

export function createResetPasskeyHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('resetPasskey', ports.logger, async (event, source) => {
    const input = parseJsonBody(event, resetPasskeyRequest);
    const credential: AuthenticationResponseJSON = input.credential;
    const body = await answerPasskey({ flowId: input.flowId, credential }, source, ports);
    return { statusCode: 200, body: body satisfies ResetPasskeyResponse };
  });
}
