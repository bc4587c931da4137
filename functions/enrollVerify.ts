/** POST /api/enroll/verify: confirm a new e-mail or phone with the code sent to it (DESIGN §3). */
import * as z from 'zod/mini';
import { verifyContact } from './core/enrollVerify.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { VerifyContactResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const verifyContactRequest = z.strictObject({
  enrollmentToken: z.string().check(z.maxLength(128)),
  channelId: z.string().check(z.maxLength(64)),
  code: z.string().check(z.maxLength(32)),
});

export function createEnrollVerifyHandler(
  ports: Pick<RequestPorts, 'store' | 'secrets' | 'clock' | 'config' | 'logger'>,
): HttpHandler {
  return httpRoute('verifyContact', ports.logger, async (event, source) => {
    const body = await verifyContact(parseJsonBody(event, verifyContactRequest), source, ports);
    return { statusCode: 200, body: body satisfies VerifyContactResponse };
  });
}
