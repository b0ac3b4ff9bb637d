import type { FastifyInstance } from 'fastify';
import { tenantMayReach } from '../delivery/router.ts';
import { ApiError } from '../errors.ts';
import type { AppDeps } from './api-deps.ts';
import { loadDelivery } from './deliveries.ts';
import { loadEndpoint } from './endpoints.ts';
import { loadMessage } from './messages.ts';
import { presentAttempt } from './present.ts';
import { countResponse, errorResponses, idParams, resourceId } from './schemas/common.ts';

/**
 * Recovery: resend a message to one endpoint now (a manual attempt that leaves the delivery's schedule
 * alone), and cancel pending retries of a message or a delivery. Endpoint-wide recovery lives with the
 * endpoint actions.
 */
export function recoveryRoutes(app: FastifyInstance, deps: AppDeps): void {
  const tags = ['Deliveries'];

  app.post<{ Params: { id: string }; Body: { endpointId: string } }>(
    '/v1/messages/:id/resend',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Send a message to an endpoint now, as a manual attempt; answers with that attempt',
        description:
          "Works for any endpoint the message's tenant may reach (the endpoint's tenant is the message's or unset), also one the message was not routed to; another tenant's endpoint is 404 not_found. 503 on a process without a delivery worker.",
        params: idParams,
        body: {
          type: 'object',
          required: ['endpointId'],
          additionalProperties: false,
          properties: { endpointId: resourceId },
        },
        response: { 200: { $ref: 'Attempt#' }, ...errorResponses },
      },
    },
    async (request) => {
      const message = await loadMessage(deps, request, request.params.id);
      const endpoint = await loadEndpoint(deps, request, request.body.endpointId);
      // The routing rule holds for resends too: an unscoped key could otherwise hand one tenant's
      // payload to another tenant's receiver.
      if (!tenantMayReach(endpoint.tenant, message.tenant)) {
        throw new ApiError(
          'not_found',
          `Endpoint ${endpoint.id} belongs to tenant "${endpoint.tenant}" and never receives messages of ${
            message.tenant === null ? 'no tenant' : `tenant "${message.tenant}"`
          }: resend to an endpoint of the message's tenant or without tenant.`,
          { details: { messageTenant: message.tenant, endpointTenant: endpoint.tenant } },
        );
      }
      if (!deps.dispatcher) {
        throw new ApiError(
          'unavailable',
          'No delivery worker runs in this process (role "api"); resend from a worker.',
          {
            retryAfterSeconds: 60,
          },
        );
      }
      const attempt = await deps.dispatcher.resend(message.id, endpoint);
      if (attempt === null)
        throw new ApiError('conflict', 'The message payload has expired; it cannot be resent.');
      return presentAttempt(attempt);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/messages/:id/cancel',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Cancel every pending or failed (retrying) delivery of a message',
        params: idParams,
        response: { 200: countResponse('cancelled', 'Deliveries cancelled.'), ...errorResponses },
      },
    },
    async (request) => {
      const message = await loadMessage(deps, request, request.params.id);
      return { cancelled: await deps.store.cancelDeliveries({ messageId: message.id }) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/deliveries/:id/cancel',
    {
      config: { scope: 'admin' },
      schema: {
        tags,
        summary: 'Cancel a pending or failed (retrying) delivery',
        params: idParams,
        response: {
          200: countResponse('cancelled', 'Deliveries cancelled (0 when it had already finished).'),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const delivery = await loadDelivery(deps, request, request.params.id);
      return { cancelled: await deps.store.cancelDeliveries({ deliveryId: delivery.id }) };
    },
  );
}
