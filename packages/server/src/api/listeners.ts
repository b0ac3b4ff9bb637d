import type { FastifyInstance } from 'fastify';
import { readTenant, writeTenant } from '../auth/access.ts';
import { ApiError } from '../errors.ts';
import type { AttemptErrorKind } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { loadMessage } from './messages.ts';
import { presentAttempt, presentListener } from './present.ts';
import {
  errorResponses,
  idParams,
  pageOf,
  pageQueryProperties,
  stringMap,
  tenantName,
} from './schemas/common.ts';

/** Why a forward got no HTTP status; a status given means `none` (2xx) or `http_status`. */
const TRANSPORT_ERROR_KINDS = ['timeout', 'connect', 'dns', 'reset', 'tls', 'internal'] as const;

/** Same cap as the worker's stored responses (DESIGN: response stored up to 64 KiB). */
const MAX_RESPONSE_BODY = 64 * 1024;

interface ListenerAttemptBody {
  listener: string;
  url: string;
  responseStatus: number | null;
  errorKind?: (typeof TRANSPORT_ERROR_KINDS)[number];
  errorMessage?: string | null;
  durationMs: number;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  responseBody?: string | null;
}

export const listenerName = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
  description: 'Letters, digits and `_ . -` (the CLI defaults to the host name).',
} as const;

const headerMap = { ...stringMap, maxProperties: 200 } as const;

/**
 * `hookline listen` reports each forward to the local app here. The server never calls the local URL: it
 * records what the CLI saw, on the message's delivery to the listener (created on the first report, always
 * final, never due), so the forward shows up with the message's deliveries and attempts like any other.
 */
export function listenerRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Listeners'];

  app.post<{ Params: { id: string }; Body: ListenerAttemptBody }>(
    '/v1/messages/:id/attempts',
    {
      config: { scope: 'publish' },
      schema: {
        tags,
        summary: 'Record a forward made by `hookline listen` as an attempt (trigger `cli`)',
        description:
          'Creates the listener (per tenant and name) on first use and the message delivery to it, in a final state: ' +
          '`succeeded` for a 2xx, else `exhausted`. Listener deliveries are never routed, queued or retried. ' +
          'Give `responseStatus`, or `null` with the `errorKind` of a forward that got no answer.',
        params: idParams,
        body: {
          type: 'object',
          required: ['listener', 'url', 'responseStatus', 'durationMs'],
          additionalProperties: false,
          properties: {
            listener: listenerName,
            url: {
              type: 'string',
              minLength: 1,
              maxLength: 2048,
              description: 'The local URL forwarded to.',
            },
            responseStatus: { type: ['integer', 'null'], minimum: 100, maximum: 599 },
            errorKind: {
              enum: [...TRANSPORT_ERROR_KINDS],
              description: 'Only with `responseStatus: null`: why no answer came.',
            },
            errorMessage: { type: ['string', 'null'], maxLength: 1000 },
            durationMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
            requestHeaders: headerMap,
            responseHeaders: headerMap,
            responseBody: {
              type: ['string', 'null'],
              maxLength: MAX_RESPONSE_BODY,
              description: 'The response body, capped by the CLI at 64 KiB.',
            },
          },
        },
        response: { 201: { $ref: 'Attempt#' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const caller = callerOf(request);
      const message = await loadMessage(deps, request, request.params.id);
      if (!URL.canParse(body.url) || !['http:', 'https:'].includes(new URL(body.url).protocol)) {
        throw new ApiError('invalid_url', `"${body.url}" is not an absolute http(s) URL.`);
      }
      const errorKind = errorKindOf(body);
      const recorded = await deps.store.recordListenerAttempt({
        messageId: message.id,
        listener: { tenant: writeTenant(caller, undefined), name: body.listener, forwardUrl: body.url },
        attempt: {
          url: body.url,
          requestHeaders: body.requestHeaders ?? {},
          responseStatus: body.responseStatus,
          responseHeaders: body.responseHeaders ?? {},
          responseBody: body.responseBody ?? null,
          durationMs: body.durationMs,
          errorKind,
          errorMessage:
            body.errorMessage ?? (errorKind === 'http_status' ? `HTTP ${body.responseStatus}` : null),
        },
      });
      return reply.code(201).send(presentAttempt(recorded.attempt));
    },
  );

  app.get<{ Querystring: { limit?: number; cursor?: string; tenant?: string } }>(
    '/v1/listeners',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List listeners (`hookline listen` sessions that reported forwards), newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...pageQueryProperties, tenant: tenantName },
        },
        response: { 200: pageOf('Listener', 'A page of listeners.'), ...errorResponses },
      },
    },
    async (request) => {
      const tenant = readTenant(callerOf(request), request.query.tenant);
      const page = await deps.store.listListeners({
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
        ...(tenant === undefined ? {} : { tenant }),
      });
      return { data: page.data.map(presentListener), nextCursor: page.nextCursor };
    },
  );
}

/** A status and a transport error kind exclude each other; a status alone decides success. */
function errorKindOf(body: ListenerAttemptBody): AttemptErrorKind {
  if (body.responseStatus === null) {
    if (body.errorKind === undefined) {
      throw new ApiError('validation_failed', 'A forward without responseStatus needs an errorKind.');
    }
    return body.errorKind;
  }
  if (body.errorKind !== undefined) {
    throw new ApiError('validation_failed', 'errorKind is only for forwards without a responseStatus.');
  }
  return body.responseStatus >= 200 && body.responseStatus < 300 ? 'none' : 'http_status';
}
