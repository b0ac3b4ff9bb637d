import type {
  AttemptResult,
  ClaimedDelivery,
  LocalWorker,
  NewEndpoint,
  NewMessage,
  NewSource,
} from '../store.ts';
import type { Delivery, Message } from '../types.ts';

const encoder = new TextEncoder();

/** A published JSON message with one delivery per given endpoint. */
export function newMessage(overrides: Partial<NewMessage> & { endpoints?: string[] } = {}): NewMessage {
  const { endpoints = ['ep_a'], ...rest } = overrides;
  return {
    eventType: 'invoice.paid',
    contentType: 'application/json',
    body: encoder.encode('{"amount":42}'),
    deliveries: endpoints.map((endpointId) => ({ endpointId, maxAttempts: 5 })),
    ...rest,
  };
}

export function newEndpoint(overrides: Partial<NewEndpoint> = {}): NewEndpoint {
  return {
    tenant: null,
    url: 'https://example.com/hook',
    description: 'test endpoint',
    disabled: false,
    eventTypes: null,
    channels: null,
    sources: null,
    payloadFilter: null,
    headers: {},
    timeoutMs: 15_000,
    retrySchedule: null,
    rateLimitPerSecond: null,
    maxConcurrency: null,
    signing: { scheme: 'standard-webhooks-v1' },
    secrets: [{ secret: 'whsec_dGVzdA==', createdAt: 1, expiresAt: null }],
    metadata: {},
    ...overrides,
  };
}

export function newSource(overrides: Partial<NewSource> = {}): NewSource {
  return {
    name: 'github',
    token: 'tok_0123456789abcdef',
    tenant: null,
    verification: { scheme: 'github' },
    secrets: [{ secret: 's3cret', createdAt: 1, expiresAt: null }],
    toleranceSeconds: 300,
    maxBodyBytes: 1024 * 1024,
    contentTypes: ['application/json'],
    requireJson: true,
    decompress: false,
    handshake: null,
    response: { status: 202, body: '{"ok":true}', contentType: 'application/json' },
    eventTypeRule: { kind: 'provider' },
    dedupRule: { kind: 'provider' },
    alias: null,
    disabled: false,
    ...overrides,
  };
}

/** The result a worker reports for a claimed delivery. */
export function result(
  delivery: Delivery,
  leaseToken: number,
  outcome: AttemptResult['outcome'] = { kind: 'succeeded' },
  extra: Partial<AttemptResult> = {},
): AttemptResult {
  const ok = outcome.kind === 'succeeded';
  return {
    deliveryId: delivery.id,
    leaseToken,
    attempt: {
      deliveryId: delivery.id,
      messageId: delivery.messageId,
      endpointId: delivery.endpointId,
      attemptNumber: delivery.attemptCount,
      trigger: 'scheduled',
      url: 'https://example.com/hook',
      requestHeaders: { 'webhook-id': delivery.messageId },
      responseStatus: ok ? 200 : 500,
      responseHeaders: {},
      responseBody: ok ? 'ok' : 'boom',
      durationMs: 12,
      errorKind: ok ? 'none' : 'http_status',
      errorMessage: ok ? null : 'HTTP 500',
    },
    outcome,
    ...extra,
  };
}

/** Resolves with the StoreError code a promise rejects with (fails the test if it resolves). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error
      ? String(error.code)
      : `not coded: ${error}`;
  }
  return 'resolved';
}

/**
 * A worker that takes the endpoints listed in `takes` and records every call the store makes. Every
 * reservation must end in exactly one take or cancel: `outstanding()` is what has not.
 */
export function fakeWorker(takes: string[]) {
  const calls = {
    reserved: [] as string[],
    taken: [] as { message: Message; claims: ClaimedDelivery[] }[],
    cancelled: [] as string[],
  };
  const worker: LocalWorker = {
    workerId: 'worker-local',
    leaseMs: 60_000,
    reserve(endpointId) {
      if (!takes.includes(endpointId)) return false;
      calls.reserved.push(endpointId);
      return true;
    },
    take(handoff) {
      calls.taken.push(...handoff);
    },
    cancel(endpointIds) {
      calls.cancelled.push(...endpointIds);
    },
  };
  const outstanding = () =>
    calls.reserved.length -
    calls.cancelled.length -
    calls.taken.reduce((sum, handed) => sum + handed.claims.length, 0);
  return { worker, calls, outstanding };
}
