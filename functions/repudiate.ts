/** POST /api/repudiate: the "This wasn't me" link of a notice (issue 16 item 5; core/repudiation.ts). */
import * as z from 'zod/mini';
import { type RepudiationPorts, repudiate } from './core/repudiation.js';
import { parseJsonBody } from './http/body.js';
import type { RepudiateResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const repudiateRequest = z.strictObject({ token: z.string().check(z.maxLength(128)) });

export function createRepudiateHandler(ports: RepudiationPorts): HttpHandler {
  return httpRoute('repudiate', ports.logger, async (event, source) => ({
    statusCode: 200,
    body: (await repudiate(parseJsonBody(event, repudiateRequest), source, ports)) satisfies RepudiateResponse,
  }));
}
