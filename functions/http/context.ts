import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { negotiateLanguage } from '../core/language.js';
import type { RequestSource } from '../core/request.js';

/** Header names arrive lower-cased from HTTP API v2; be lenient anyway. */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * Who is asking. The address is the connection's source address; X-Forwarded-For is never trusted.
 * (Behind CloudFront, CloudFront-Viewer-Address is trusted only after the origin-secret check: the deployment issue.)
 */
export function requestSource(event: APIGatewayProxyEventV2): RequestSource {
  return {
    address: event.requestContext?.http?.sourceIp || 'unknown',
    userAgent: (header(event, 'user-agent') ?? '').slice(0, 512),
    requestId: event.requestContext?.requestId || randomUUID(),
    language: negotiateLanguage(header(event, 'accept-language')),
  };
}
