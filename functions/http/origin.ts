/**
 * Deployed, the API sits behind CloudFront, which adds a secret header to every request it forwards (DESIGN §1). A
 * request without it came around CloudFront (the execute-api URL) and is answered like an unknown route. Only a
 * request that passed this check may name its client by CloudFront-Viewer-Address; X-Forwarded-For is never read.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { SsprError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { header, requestSource } from './context.js';
import { errorResponse, toSsprError } from './errors.js';
import type { HttpHandler } from './route.js';

/** The header CloudFront adds (lib/ sets the same name on the origin). */
export const ORIGIN_SECRET_HEADER = 'x-sspr-origin';

export interface OriginCheck {
  /** The origin secret (Secrets Manager, kept a few minutes so a rotation reaches warm instances). */
  secret: () => Promise<string>;
  logger: Logger;
}

export function behindCloudFront(handler: HttpHandler, check: OriginCheck): HttpHandler {
  return async (event, context) => {
    const source = requestSource(event);
    let secret: string;
    try {
      secret = await check.secret();
    } catch (error) {
      return errorResponse(toSsprError(error, check.logger, source.requestId), source.language, source.requestId);
    }
    const presented = header(event, ORIGIN_SECRET_HEADER);
    if (presented === undefined || !sameSecret(presented, secret)) {
      check.logger.warn('request without the origin secret refused', {
        requestId: source.requestId,
        sourceAddress: source.address,
        status: 404,
      });
      return errorResponse(new SsprError('NOT_FOUND'), source.language, source.requestId);
    }
    return handler(trustedEvent(event, check.logger, source.requestId), context);
  };
}

/** Compares digests of equal length in constant time, so neither the value nor its length leaks through timing. */
function sameSecret(presented: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

/** The event the route sees: the viewer's address as its source, and no origin secret left to reach a log. */
function trustedEvent(event: APIGatewayProxyEventV2, logger: Logger, requestId: string): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== ORIGIN_SECRET_HEADER),
  );
  const viewer = viewerAddress(header(event, 'cloudfront-viewer-address'));
  if (viewer === undefined) {
    // CloudFront sends it when the origin request policy names it (lib/); without it every user shares the edge's
    // address for the per-address limits, which is safe but coarse.
    logger.warn('CloudFront-Viewer-Address missing or malformed; using the connection address', { requestId });
  }
  const http = event.requestContext.http;
  return {
    ...event,
    headers,
    requestContext: { ...event.requestContext, http: { ...http, sourceIp: viewer ?? http.sourceIp } },
  };
}

/** `198.51.100.10:46532` or `2001:db8::1:46532` (IPv6 without brackets): the address before the last colon. */
export function viewerAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const cut = value.lastIndexOf(':');
  if (cut <= 0 || !/^\d{1,5}$/.test(value.slice(cut + 1))) return undefined;
  const address = value.slice(0, cut).replace(/^\[(.*)\]$/, '$1');
  return isIP(address) ? address : undefined;
}
