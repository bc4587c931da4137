/** POST /api/enroll: prove the AD password, then store the hashed answers and contacts (DESIGN §3). */
import * as z from 'zod/mini';
import { enroll } from './core/enroll.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { EnrollResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

/** Shape only; the domain's own rules (answers, username forms, contacts) name their fields in its sentences. */
export const enrollRequest = z.strictObject({
  username: z.string().check(z.maxLength(256)),
  password: z.string().check(z.maxLength(1024)),
  /** Required when the recovery policy asks questions; refused (VALIDATION naming it) when it does not. */
  answers: z.optional(
    z
      .array(
        z.strictObject({ questionId: z.string().check(z.maxLength(64)), answer: z.string().check(z.maxLength(1024)) }),
      )
      .check(z.maxLength(20)),
  ),
  email: z.optional(z.string().check(z.maxLength(320))),
  phone: z.optional(z.string().check(z.maxLength(32))),
});

export function createEnrollHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('enroll', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await enroll(parseJsonBody(event, enrollRequest), source, ports)) satisfies EnrollResponse,
  }));
}
