import type { FastifyInstance } from 'fastify';
import { readTenant, visibleOr404 } from '../auth/access.ts';
import type { ApiKey, Message } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { presentDelivery, presentMessage, presentMessageSummary } from './present.ts';
import {
  channelName,
  errorResponses,
  idParams,
  pageOf,
  pageQueryProperties,
  resourceId,
  storedEventTypeName,
  tenantName,
  timeRangeQueryProperties,
} from './schemas/common.ts';
import { toTimeRange } from './time-range.ts';

interface MessageListQuery {
  limit?: number;
  cursor?: string;
  tenant?: string;
  eventType?: string;
  sourceId?: string;
  channel?: string;
  endpointId?: string;
  since?: string;
  until?: string;
}

/** Reading messages: list (newest first, filters), one with its decoded body, and its deliveries. */
export function messageRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Messages'];

  app.get<{ Querystring: MessageListQuery }>(
    '/v1/messages',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List messages (without bodies)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            tenant: tenantName,
            eventType: storedEventTypeName,
            sourceId: resourceId,
            channel: channelName,
            endpointId: { ...resourceId, description: 'Messages with a delivery to this endpoint.' },
            ...timeRangeQueryProperties,
          },
        },
        response: { 200: pageOf('MessageSummary', 'A page of messages.'), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const tenant = readTenant(callerOf(request), query.tenant);
      const page = await deps.store.listMessages({
        limit: query.limit ?? 50,
        cursor: query.cursor ?? null,
        ...(tenant === undefined ? {} : { tenant }),
        ...(query.eventType === undefined ? {} : { eventType: query.eventType }),
        ...(query.sourceId === undefined ? {} : { sourceId: query.sourceId }),
        ...(query.channel === undefined ? {} : { channel: query.channel }),
        ...(query.endpointId === undefined ? {} : { endpointId: query.endpointId }),
        ...toTimeRange(query),
      });
      return { data: page.data.map(presentMessageSummary), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/messages/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get a message with its headers and decoded body',
        params: idParams,
        response: { 200: { $ref: 'Message#' }, ...errorResponses },
      },
    },
    async (request) =>
      presentMessage(await loadMessage(deps, request, request.params.id), deps.config.ingestMaxBodyBytes),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/v1/messages/:id/deliveries',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "List a message's deliveries (one per endpoint)",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageOf('Delivery', 'A page of deliveries.'), ...errorResponses },
      },
    },
    async (request) => {
      const message = await loadMessage(deps, request, request.params.id);
      const page = await deps.store.listDeliveries({
        messageId: message.id,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
      });
      return { data: page.data.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );
}

/** The message if the caller's tenant may see it; `not_found` otherwise. */
export async function loadMessage(
  deps: AppDeps,
  request: { apiKey: ApiKey | null },
  id: string,
): Promise<Message> {
  return visibleOr404(callerOf(request), await deps.store.getMessage(id), 'message');
}
