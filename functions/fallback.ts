/** The `$default` route: unknown routes (404) and known routes with a wrong method (405), in the §3 error shape. */
import { SsprError } from './core/errors.js';
import type { Logger } from './core/log.js';
import { type HttpHandler, httpRoute } from './http/route.js';
import { matchRoute } from './http/routes.js';

export function createFallbackHandler(deps: { logger: Logger }): HttpHandler {
  return httpRoute('fallback', deps.logger, async (event) => {
    const match = matchRoute(event.requestContext.http.method, event.rawPath);
    throw new SsprError(match.kind === 'wrong-method' ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND');
  });
}
