import type { FastifyInstance } from 'fastify';
import { readTenant, visibleOr404 } from '../auth/access.ts';
import { ApiError } from '../errors.ts';
import type { AttemptQuery } from '../store/store.ts';
import type { ApiKey, Delivery, DeliveryStatus } from '../store/types.ts';
import type { AppDeps } from './api-deps.ts';
import { callerOf } from './authenticate-hook.ts';
import { loadEndpoint } from './endpoints.ts';
import { loadMessage } from './messages.ts';
import { presentAttempt, presentDelivery } from './present.ts';
import {
  errorResponses,
  idParams,
  pageOf,
  pageQueryProperties,
  resourceId,
  tenantName,
  timeRangeQueryProperties,
} from './schemas/common.ts';
import { toTimeRange } from './time-range.ts';

const STATUSES = ['pending', 'in_flight', 'succeeded', 'failed', 'exhausted', 'cancelled'] as const;

interface DeliveryListQuery {
  limit?: number;
  cursor?: string;
  tenant?: string;
  messageId?: string;
  endpointId?: string;
  status?: string;
  since?: string;
  until?: string;
}

interface AttemptListQuery {
  limit?: number;
  cursor?: string;
  deliveryId?: string;
  messageId?: string;
  endpointId?: string;
  since?: string;
  until?: string;
}

/** Reading deliveries and attempts: the delivery log and every HTTP try, with filters. */
export function deliveryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Deliveries'];

  app.get<{ Querystring: DeliveryListQuery }>(
    '/v1/deliveries',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List deliveries',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            tenant: tenantName,
            messageId: resourceId,
            endpointId: resourceId,
            status: {
              type: 'string',
              pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`,
              description: 'One status or several, comma-separated (`failed,exhausted`).',
            },
            ...timeRangeQueryProperties,
          },
        },
        response: { 200: pageOf('Delivery', 'A page of deliveries.'), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const tenant = readTenant(callerOf(request), query.tenant);
      const page = await deps.store.listDeliveries({
        limit: query.limit ?? 50,
        cursor: query.cursor ?? null,
        ...(tenant === undefined ? {} : { tenant }),
        ...(query.messageId === undefined ? {} : { messageId: query.messageId }),
        ...(query.endpointId === undefined ? {} : { endpointId: query.endpointId }),
        ...(query.status === undefined ? {} : { status: query.status.split(',') as DeliveryStatus[] }),
        ...toTimeRange(query),
      });
      return { data: page.data.map(presentDelivery), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/deliveries/:id',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'Get a delivery',
        params: idParams,
        response: { 200: { $ref: 'Delivery#' }, ...errorResponses },
      },
    },
    async (request) => presentDelivery(await loadDelivery(deps, request, request.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; cursor?: string } }>(
    '/v1/deliveries/:id/attempts',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: "List a delivery's attempts",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: pageQueryProperties },
        response: { 200: pageOf('Attempt', 'A page of attempts.'), ...errorResponses },
      },
    },
    async (request) => {
      const delivery = await loadDelivery(deps, request, request.params.id);
      const page = await deps.store.listAttempts({
        deliveryId: delivery.id,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor ?? null,
      });
      return { data: page.data.map(presentAttempt), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Querystring: AttemptListQuery }>(
    '/v1/attempts',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary: 'List attempts; tenant-scoped keys must filter by delivery, message or endpoint',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            deliveryId: resourceId,
            messageId: resourceId,
            endpointId: resourceId,
            ...timeRangeQueryProperties,
          },
        },
        response: { 200: pageOf('Attempt', 'A page of attempts.'), ...errorResponses },
      },
    },
    async (request) => {
      const query = request.query;
      const caller = callerOf(request);
      // Attempts carry no tenant: a tenant-scoped key proves ownership through the record it filters by.
      if (caller.tenant !== null) {
        if (
          query.deliveryId === undefined &&
          query.messageId === undefined &&
          query.endpointId === undefined
        ) {
          throw new ApiError(
            'forbidden',
            'Tenant-scoped keys must filter attempts by deliveryId, messageId or endpointId.',
          );
        }
        if (query.deliveryId !== undefined) await loadDelivery(deps, request, query.deliveryId);
        if (query.messageId !== undefined) await loadMessage(deps, request, query.messageId);
        if (query.endpointId !== undefined) await loadEndpoint(deps, request, query.endpointId);
      }
      const filter: AttemptQuery = {
        limit: query.limit ?? 50,
        cursor: query.cursor ?? null,
        ...(query.deliveryId === undefined ? {} : { deliveryId: query.deliveryId }),
        ...(query.messageId === undefined ? {} : { messageId: query.messageId }),
        ...(query.endpointId === undefined ? {} : { endpointId: query.endpointId }),
        ...toTimeRange(query),
      };
      const page = await deps.store.listAttempts(filter);
      return { data: page.data.map(presentAttempt), nextCursor: page.nextCursor };
    },
  );
}

/** The delivery if the caller's tenant may see it; `not_found` otherwise. */
export async function loadDelivery(
  deps: AppDeps,
  request: { apiKey: ApiKey | null },
  id: string,
): Promise<Delivery> {
  return visibleOr404(callerOf(request), await deps.store.getDelivery(id), 'delivery');
}
