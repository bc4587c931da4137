/** POST /api/reset/code: queue a verification code to one of the flow's channels (DESIGN §3). */
import * as z from 'zod/mini';
import { sendCode } from './core/flow/sendCode.js';
import type { RequestPorts } from './core/requestPorts.js';
import { parseJsonBody } from './http/body.js';
import type { SendCodeResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export const sendCodeRequest = z.strictObject({
  flowId: z.string().check(z.maxLength(128)),
  channelId: z.string().check(z.maxLength(64)),
});

export function createSendCodeHandler(ports: RequestPorts): HttpHandler {
  return httpRoute('sendCode', ports.logger, async (event, source) => ({
    statusCode: 202,
    body: (await sendCode(parseJsonBody(event, sendCodeRequest), source, ports)) satisfies SendCodeResponse,
  }));
}
