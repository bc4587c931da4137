import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Every API response is JSON, never cached, and names its request. */
export function jsonResponse(statusCode: number, body: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-request-id': requestId,
      'x-content-type-options': 'nosniff',
    },
    body: JSON.stringify(body),
  };
}
