import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { LogFields } from '../../functions/core/log.js';
import { behindCloudFront, ORIGIN_SECRET_HEADER, viewerAddress } from '../../functions/http/origin.js';
import type { HttpHandler } from '../../functions/http/route.js';

const SECRET = 'origin-secret-0123456789abcdefghijklmnopqrstuvwxyz';

function event(headers: Record<string, string>, sourceIp = '130.176.1.1'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /api/health',
    rawPath: '/api/health',
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      domainName: 'api.example',
      domainPrefix: 'api',
      requestId: 'req-1',
      routeKey: 'GET /api/health',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      http: { method: 'GET', path: '/api/health', protocol: 'HTTP/1.1', sourceIp, userAgent: 'test' },
    },
  };
}

function harness(secret: () => Promise<string> = async () => SECRET) {
  const seen: APIGatewayProxyEventV2[] = [];
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const route: HttpHandler = async (received) => {
    seen.push(received);
    return { statusCode: 200, body: '{"ok":true}' };
  };
  const log = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const handler = behindCloudFront(route, {
    secret,
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
  });
  return { handler, seen, lines, call: (e: APIGatewayProxyEventV2) => handler(e, {} as Context) };
}

describe('behindCloudFront', () => {
  it('passes a request carrying the origin secret, with the viewer address as its source and the secret removed', async () => {
    const { call, seen } = harness();
    const response = await call(
      event({ [ORIGIN_SECRET_HEADER]: SECRET, 'cloudfront-viewer-address': '198.51.100.10:46532', 'user-agent': 'ua' }),
    );
    expect(response.statusCode).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.requestContext.http.sourceIp).toBe('198.51.100.10');
    expect(Object.keys(seen[0]?.headers ?? {})).not.toContain(ORIGIN_SECRET_HEADER);
    expect(JSON.stringify(seen[0])).not.toContain(SECRET);
  });

  it('answers 404 NOT_FOUND in the error shape to a request without the secret or with a wrong one, and never calls the route', async () => {
    const { call, seen, lines } = harness();
    for (const headers of <Record<string, string>[]>[
      {},
      { [ORIGIN_SECRET_HEADER]: 'wrong' },
      { [ORIGIN_SECRET_HEADER]: `${SECRET}x` },
      { [ORIGIN_SECRET_HEADER]: SECRET.slice(0, -1) },
    ]) {
      const response = await call(
        event({ ...headers, 'cloudfront-viewer-address': '198.51.100.10:1', 'accept-language': 'de' }),
      );
      expect(response.statusCode).toBe(404);
      const body = JSON.parse(String(response.body)) as { error: { code: string; requestId: string } };
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.requestId).toBe('req-1');
      expect(response.headers?.['cache-control']).toBe('no-store');
    }
    expect(seen).toHaveLength(0);
    const refusals = lines.filter((line) => line.message === 'request without the origin secret refused');
    expect(refusals).toHaveLength(4);
    // The refusal names the connection's address, never the header value or the viewer address it claims.
    expect(refusals[0]?.fields?.sourceAddress).toBe('130.176.1.1');
    expect(JSON.stringify(lines)).not.toContain('wrong');
  });

  it('keeps the connection address (and says so) when CloudFront-Viewer-Address is missing or malformed', async () => {
    const { call, seen, lines } = harness();
    await call(event({ [ORIGIN_SECRET_HEADER]: SECRET }));
    await call(event({ [ORIGIN_SECRET_HEADER]: SECRET, 'cloudfront-viewer-address': 'not-an-address:80' }));
    expect(seen.map((e) => e.requestContext.http.sourceIp)).toEqual(['130.176.1.1', '130.176.1.1']);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
  });

  it('answers 500 INTERNAL when the secret cannot be read, without calling the route', async () => {
    const { call, seen, lines } = harness(async () => {
      throw new Error('AccessDeniedException');
    });
    const response = await call(event({ [ORIGIN_SECRET_HEADER]: SECRET }));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(String(response.body)).error.code).toBe('INTERNAL');
    expect(seen).toHaveLength(0);
    expect(lines.some((line) => line.level === 'error')).toBe(true);
  });
});

describe('viewerAddress', () => {
  it.each([
    ['198.51.100.10:46532', '198.51.100.10'],
    ['2001:db8::1:46532', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['198.51.100.10', undefined],
    ['198.51.100.10:', undefined],
    ['999.1.1.1:80', undefined],
    ['evil.example:80', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (value, expected) => {
    expect(viewerAddress(value)).toBe(expected);
  });
});
