/** POST /api/enroll/verify: confirm a new e-mail or phone with the code sent to it (DESIGN §3). */
import * as z from 'zod/mini';
import { type VerifyContactPorts, verifyContact } from './core/enrollVerify.js';
import type { Logger } from './core/log.js';
import { parseJsonBody } from './http/body.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const verifyBody = z.strictObject({
  enrollmentToken: z.string().check(z.maxLength(128)),
  channelId: z.string().check(z.maxLength(64)),
  code: z.string().check(z.maxLength(32)),
});

export function createEnrollVerifyHandler(ports: VerifyContactPorts & { logger: Logger }): HttpHandler {
  return httpRoute('verifyContact', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: await verifyContact(parseJsonBody(event, verifyBody), source, ports),
  }));
}
