/**
 * The local HTTP server: turns each request into an API Gateway HTTP API v2 event for the same handlers the Lambdas
 * run, and serves the built web app with the headers CloudFront adds in a deployment.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpHandler } from '../functions/http/route.js';
import { matchRoute, type RouteName } from '../functions/http/routes.js';
import { SECURITY_HEADERS } from '../web/securityHeaders.js';

/** Far above the API's own 16 KiB limit, so the handler (not the server) gives the §3 answer; beyond it, stop reading. */
const MAX_READ_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface LocalServerOptions {
  host: string;
  port: number;
  handlers: Record<RouteName | 'fallback', HttpHandler>;
  webRoot: string;
  /**
   * How long a function may run before it answers 500 (middy's timeoutEarly reads it from the context's
   * getRemainingTimeInMillis). Default 30 s: API Gateway's integration limit, which the deployed functions live under.
   */
  functionTimeoutMs?: number;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: LocalServerOptions): Promise<LocalServer> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const match = matchRoute(req.method ?? 'GET', url.pathname);
    const handler = match.kind === 'route' ? options.handlers[match.name] : options.handlers.fallback;
    const event = await toEvent(req, url, match.kind === 'route' ? match.name : '$default');
    const functionName = match.kind === 'route' ? match.name : 'fallback';
    const result = await handler(event, lambdaContext(functionName, options.functionTimeoutMs ?? FUNCTION_TIMEOUT_MS));
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(result.body ?? '');
    return;
  }
  await serveStatic(url.pathname, req, res, options.webRoot);
}

async function toEvent(req: IncomingMessage, url: URL, routeKey: string): Promise<APIGatewayProxyEventV2> {
  const body = await readBody(req);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: routeKey === '$default' ? '$default' : `${req.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        // The socket's address: the local stack has no proxy in front, and X-Forwarded-For is never trusted.
        sourceIp: normalizeAddress(req.socket.remoteAddress ?? 'unknown'),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: body.length > 0 ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
}

function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    if (size < MAX_READ_BYTES) chunks.push(buffer);
    size += buffer.length;
  }
  return Buffer.concat(chunks);
}

/** API Gateway's integration limit (29 s) plus what its caller waits: the deployed functions answer within it. */
const FUNCTION_TIMEOUT_MS = 30_000;

function lambdaContext(functionName: string, timeoutMs: number): Context {
  const invoked = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1769',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - invoked)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function serveStatic(pathname: string, req: IncomingMessage, res: ServerResponse, webRoot: string) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS });
    res.end();
    return;
  }
  const root = resolve(webRoot);
  const wanted = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  let file = resolve(join(root, wanted === '' ? 'index.html' : wanted));
  if (file !== root && !file.startsWith(root + sep)) file = join(root, 'index.html');
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch {
    // The app routes on the client: unknown paths get the app, not a 404 page.
    file = join(root, 'index.html');
    try {
      content = await readFile(file);
    } catch {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The web app is not built. Run `npm run build:web` (npm start does it for you).\n');
      return;
    }
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : content);
}
