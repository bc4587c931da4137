/** POST /api/enroll/verify: confirm a new e-mail or phone with the code sent to it (DESIGN §3). */
import * as z from 'zod';
import { type VerifyContactPorts, verifyContact } from './core/enrollVerify.js';
import type { Logger } from './core/log.js';
import { parseJsonBody } from './http/body.js';
import { type HttpHandler, httpRoute } from './http/route.js';

const verifyBody = z.strictObject({
  enrollmentToken: z.string().max(128),
  channelId: z.string().max(64),
  code: z.string().max(32),
});

export function createEnrollVerifyHandler(ports: VerifyContactPorts & { logger: Logger }): HttpHandler {
  return httpRoute('verifyContact', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: await verifyContact(parseJsonBody(event, verifyBody), source, ports),
  }));
}
