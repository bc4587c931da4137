/** POST /api/enroll: prove the AD password, then store the hashed answers and contacts (DESIGN §3). */
import * as z from 'zod';
import { type EnrollPorts, enroll } from './core/enroll.js';
import { parseJsonBody } from './http/body.js';
import { type HttpHandler, httpRoute } from './http/route.js';

/** Shape only; the domain's own rules (answers, username forms, contacts) name their fields in its sentences. */
const enrollBody = z.strictObject({
  username: z.string().max(256),
  password: z.string().max(1024),
  answers: z.array(z.strictObject({ questionId: z.string().max(64), answer: z.string().max(1024) })).max(20),
  email: z.string().max(320).optional(),
  phone: z.string().max(32).optional(),
});

export function createEnrollHandler(ports: EnrollPorts): HttpHandler {
  return httpRoute('enroll', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: await enroll(parseJsonBody(event, enrollBody), source, ports),
  }));
}
