import type { AttemptResult, Store } from '../store/store.ts';
import type { Endpoint } from '../store/types.ts';
import type { CommittedContext } from './dispatcher.ts';

/** The operational event types Hookline publishes about itself, as ordinary messages. */
export const OPERATIONAL_EVENT_TYPES = [
  'endpoint.disabled',
  'message.attempt.exhausted',
  'message.attempt.failing',
  'message.attempt.recovered',
] as const;

export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** Header that marks an operational message, so its own failures never raise further events (no loops). */
export const OPERATIONAL_HEADER = 'x-hookline-operational';

/** `message.attempt.failing` is raised when this scheduled attempt fails (as Svix does); resends do not count. */
export const FAILING_AFTER_ATTEMPTS = 4;

export interface OperationalEventsOptions {
  store: Store;
  /** Endpoints subscribed to a message (the router). */
  route: (message: {
    tenant: string | null;
    eventType: string;
    channels: string[];
    sourceId: string | null;
    payload: unknown;
  }) => Promise<Endpoint[]>;
  maxAttempts: (endpoint: Endpoint) => number;
  clock: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Turns delivery outcomes into operational events published like any other message, so users subscribe
 * to `message.attempt.exhausted` with an ordinary endpoint. Events are raised only for accepted results
 * (a stale worker's late result raises nothing).
 */
export function createOperationalEvents(options: OperationalEventsOptions) {
  async function publish(type: OperationalEventType, tenant: string | null, data: Record<string, unknown>) {
    const timestamp = new Date(options.clock()).toISOString();
    const payload = { type, timestamp, data };
    const endpoints = await options.route({ tenant, eventType: type, channels: [], sourceId: null, payload });
    await options.store.insertMessage({
      tenant,
      eventType: type,
      contentType: 'application/json',
      headers: { [OPERATIONAL_HEADER]: 'true' },
      body: new TextEncoder().encode(JSON.stringify(payload)),
      deliveries: endpoints.map((endpoint) => ({
        endpointId: endpoint.id,
        maxAttempts: options.maxAttempts(endpoint),
      })),
    });
  }

  function fire(type: OperationalEventType, tenant: string | null, data: Record<string, unknown>): void {
    publish(type, tenant, data).catch((error: unknown) => options.onError?.(error));
  }

  /** `endpoint.disabled`, for a 410 Gone (via onCommitted) and for the health sweep alike. */
  function endpointDisabled(endpoint: Endpoint, reason: string): Promise<void> {
    return publish('endpoint.disabled', endpoint.tenant, {
      endpointId: endpoint.id,
      failSince: endpoint.failingSince === null ? null : new Date(endpoint.failingSince).toISOString(),
      trigger: 'automatic',
      reason,
    });
  }

  return {
    publish,
    endpointDisabled,
    /** Hook for the dispatcher's `onCommitted`. */
    onCommitted(result: AttemptResult, context: CommittedContext): void {
      const { message, endpoint, scheduledAttempts } = context;
      // Only Hookline's own messages carry it with no source: a sender may put any header on an inbound one.
      if (message.sourceId === null && message.headers[OPERATIONAL_HEADER] === 'true') return;
      const attempt = result.attempt;
      const data = {
        endpointId: endpoint.id,
        msgId: message.id,
        msgEventId: message.eventId,
        eventType: message.eventType,
        lastAttempt: {
          attemptNumber: attempt.attemptNumber,
          timestamp: new Date(options.clock()).toISOString(),
          responseStatusCode: attempt.responseStatus,
          errorKind: attempt.errorKind,
        },
      };
      const tenant = endpoint.tenant;
      if (result.outcome.kind === 'exhausted') fire('message.attempt.exhausted', tenant, data);
      else if (result.outcome.kind === 'retry' && scheduledAttempts === FAILING_AFTER_ATTEMPTS) {
        fire('message.attempt.failing', tenant, data);
      } else if (result.outcome.kind === 'succeeded' && scheduledAttempts > FAILING_AFTER_ATTEMPTS) {
        fire('message.attempt.recovered', tenant, data);
      }
      if (result.endpoint?.effect === 'disable') {
        endpointDisabled(endpoint, result.endpoint.reason).catch((error: unknown) =>
          options.onError?.(error),
        );
      }
    },
  };
}

export type OperationalEvents = ReturnType<typeof createOperationalEvents>;
