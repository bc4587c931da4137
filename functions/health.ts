/** GET /api/health: says the function runs; touches nothing behind it, so it is no oracle. */
import type { Logger } from './core/log.js';
import type { HealthResponse } from './http/responses.js';
import { type HttpHandler, httpRoute } from './http/route.js';

export function createHealthHandler(deps: { logger: Logger; version: string }): HttpHandler {
  return httpRoute('health', deps.logger, async () => ({
    statusCode: 200,
    body: { ok: true, version: deps.version } satisfies HealthResponse,
  }));
}
