/**
 * The middy stack every route shares: request context, the one error mapping, the response headers and one log line
 * per request. A route handler only parses (zod), calls one domain function and maps its result.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Logger } from '../core/log.js';
import type { RequestSource } from '../core/request.js';
import { requestSource } from './context.js';
import { statusOf } from './errorStatus.js';
import { errorResponse, toSsprError } from './errors.js';
import { jsonResponse } from './response.js';

export interface RouteResult {
  statusCode: number;
  body: unknown;
}

export type RouteHandler = (event: APIGatewayProxyEventV2, source: RequestSource) => Promise<RouteResult>;

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

type SsprContext = Context & { source?: RequestSource };

export function httpRoute(name: string, logger: Logger, handle: RouteHandler): HttpHandler {
  const started = new WeakMap<object, number>();
  const sourceOf = (context: SsprContext, event: APIGatewayProxyEventV2): RequestSource => {
    context.source ??= requestSource(event);
    return context.source;
  };
  const logLine = (event: APIGatewayProxyEventV2, context: SsprContext, status: number, code?: string) => {
    const source = sourceOf(context, event);
    logger.info('request', {
      route: name,
      method: event.requestContext?.http?.method,
      status,
      code,
      requestId: source.requestId,
      sourceAddress: source.address,
      durationMs: Date.now() - (started.get(context) ?? Date.now()),
    });
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, SsprContext>()
    .before((request) => {
      started.set(request.context, Date.now());
      sourceOf(request.context, request.event);
    })
    .after((request) => {
      if (request.response) logLine(request.event, request.context, request.response.statusCode ?? 200);
    })
    .onError((request) => {
      const source = sourceOf(request.context, request.event);
      const error = toSsprError(request.error, logger, source.requestId);
      request.response = errorResponse(error, source.language, source.requestId);
      logLine(request.event, request.context, statusOf(error.code), error.code);
    })
    .handler(async (event, context) => {
      const source = sourceOf(context, event);
      const result = await handle(event, source);
      return jsonResponse(result.statusCode, result.body, source.requestId);
    }) as unknown as HttpHandler;
}
