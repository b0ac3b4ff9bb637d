import { inboundForwardHeaders } from '../ingest/forward-headers.ts';
import type { AttemptOutcome } from '../store/store.ts';
import type { AttemptInput, AttemptRun, DispatcherLogger } from './dispatcher.ts';
import type { HttpClient, SendResult } from './http-client.ts';
import { decide, type RetryPolicyConfig } from './retry-policy.ts';
import { redactRequestHeaders, signDelivery } from './sign-delivery.ts';

export interface AttemptRunnerOptions {
  client: HttpClient;
  policy: RetryPolicyConfig;
  clock: () => number;
  /** Uniform in [0, 1) for retry jitter; injected so tests pin it. */
  random: () => number;
  logger: DispatcherLogger;
  /** Sent as `User-Agent`, so receivers can tell Hookline apart in their logs. */
  userAgent?: string;
}

/**
 * One HTTP try of a delivery: headers in order of precedence (an inbound message's provider headers,
 * then the endpoint's custom headers, then Hookline's own and the signature, which always win), the
 * exact stored body bytes, the endpoint's deadline, and the retry policy's verdict. Never throws for
 * anything the receiver or the network does; the attempt record keeps headers without secrets.
 */
export function createAttemptRunner(options: AttemptRunnerOptions) {
  const userAgent = options.userAgent ?? 'Hookline-Webhooks/0.1';
  return async function runAttempt(input: AttemptInput): Promise<AttemptRun> {
    const { message, endpoint, delivery, attemptNumber } = input;
    const body = message.body ?? new Uint8Array();
    const startedAt = options.clock();
    const signed = await signDelivery({ endpoint, messageId: message.id, body, now: startedAt });
    const headers = mergeHeaders([
      inboundForwardHeaders(message),
      endpoint.headers,
      { 'content-type': message.contentType, 'user-agent': userAgent },
      signed.ok ? signed.headers : {},
    ]);
    let result: SendResult;
    if (!signed.ok) {
      // A misconfigured endpoint is a failed attempt on record (and retried: the secret may be fixed).
      result = { type: 'error', errorKind: 'internal', message: signed.message, durationMs: 0 };
    } else {
      result = await options.client.send({
        url: endpoint.url,
        method: 'POST',
        headers,
        body,
        timeoutMs: endpoint.timeoutMs,
        signal: input.signal,
      });
    }
    const now = options.clock();
    // The schedule counts scheduled attempts only (a claim has counted this one); a resend's verdict is
    // used for its classification alone, so it is judged as the attempt after them.
    const scheduled = input.trigger === 'scheduled' ? delivery.attemptCount : delivery.attemptCount + 1;
    const decision = decide(
      {
        attemptNumber: scheduled,
        result,
        endpoint,
        now,
        random: options.random,
        maxAttempts: delivery.maxAttempts,
      },
      options.policy,
    );
    const response = result.type === 'response' ? result : null;
    const status = response?.status ?? (result.type === 'error' ? (result.response?.status ?? null) : null);
    const outcome: AttemptOutcome = decision.outcome;
    const log = {
      messageId: message.id,
      endpointId: endpoint.id,
      deliveryId: delivery.id,
      attempt: attemptNumber,
      trigger: input.trigger,
      status,
      durationMs: Math.round(result.durationMs),
      outcome: outcome.kind,
      errorKind: decision.errorKind,
    };
    if (outcome.kind === 'succeeded') options.logger.info(log, 'attempt delivered');
    else options.logger.warn({ ...log, error: decision.errorMessage }, 'attempt failed');
    return {
      attempt: {
        deliveryId: delivery.id,
        messageId: message.id,
        endpointId: endpoint.id,
        attemptNumber,
        trigger: input.trigger,
        url: endpoint.url,
        requestHeaders: redactRequestHeaders(headers, endpoint.signing),
        responseStatus: status,
        responseHeaders:
          response?.headers ?? (result.type === 'error' ? (result.response?.headers ?? {}) : {}),
        responseBody: response?.body ?? null,
        durationMs: Math.round(result.durationMs),
        errorKind: decision.errorKind,
        errorMessage: decision.errorMessage,
      },
      outcome,
      endpointEffect: decision.endpointEffect,
    };
  };
}

/**
 * Header sets merged under lower-case names, later sets winning: names are case-insensitive, so a custom
 * `User-Agent` or a provider's `X-Team` next to an endpoint's `x-team` must replace, not duplicate, it.
 */
function mergeHeaders(sets: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const set of sets) for (const [name, value] of Object.entries(set)) out[name.toLowerCase()] = value;
  return out;
}
