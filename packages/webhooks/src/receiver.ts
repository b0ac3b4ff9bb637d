import { fromUtf8 } from './encoding.ts';
import { failure, type VerifyErrorCode, type VerifyFailure } from './errors.ts';
import { getHeader, type HeadersInput } from './headers.ts';
import { rawBytes } from './raw-body.ts';
import type { Scheme, SchemeConfig, SchemeName, WebhookRequest } from './scheme.ts';
import { schemes } from './schemes.ts';

/** Options of {@link createReceiver}: a scheme (by name or object) and that scheme's options. */
export interface ReceiverOptions extends SchemeConfig {
  readonly scheme: SchemeName | Scheme;
  /** Largest body the adapters read, in bytes (413 above it). Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** A verified webhook, as handlers receive it. */
export interface WebhookEvent<Type extends string = string, Payload = unknown> {
  /** The event type from the provider's metadata (`describe`), `''` when the request carries none. */
  readonly type: Type;
  /** The provider's event id (for dedup), when it has one. */
  readonly id?: string;
  /** The signed timestamp in seconds, when the scheme signs one. */
  readonly timestamp?: number;
  /** The parsed body: JSON, or the fields of a form body, or `undefined` when empty. */
  readonly payload: Payload;
  /** The exact bytes that were verified. */
  readonly rawBody: Uint8Array;
  readonly headers: HeadersInput;
}

/** Any event of a map of event types to payloads, as a union discriminated by `type`. */
export type AnyWebhookEvent<Events> = {
  [K in keyof Events & string]: WebhookEvent<K, Events[K]>;
}[keyof Events & string];

/** What went wrong while receiving: a verification failure, or a handler that threw. */
export interface ReceiverError {
  readonly code: VerifyErrorCode | 'handler_failed';
  readonly message: string;
  /** The HTTP status answered. */
  readonly status: number;
  /** What a handler threw, for `handler_failed`. */
  readonly cause?: unknown;
}

/** The HTTP answer to a webhook request, for adapters to write out. */
export interface ReceiveOutcome {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The response body (`''` for 204). */
  readonly body: string;
  /** The event, when verification succeeded. */
  readonly event?: WebhookEvent;
  /** The error, when the answer is not 2xx. */
  readonly error?: ReceiverError;
}

type Handler<E> = (event: E) => void | Promise<void>;

/** A verifier with typed handlers; the adapters turn it into a route for each runtime. */
export interface Receiver<Events extends Record<string, unknown>> {
  /** Calls `handler` for events of `type` (after verification), with its payload typed from `Events`. */
  on<K extends keyof Events & string>(
    type: K,
    handler: Handler<WebhookEvent<K, Events[K]>>,
  ): Receiver<Events>;
  /** Calls `handler` for every verified event, including types without an `on` handler. */
  onAny(handler: Handler<AnyWebhookEvent<Events>>): Receiver<Events>;
  /** Calls `handler` for every refused request and every handler that throws (errors it throws are ignored). */
  onError(handler: (error: ReceiverError, request: WebhookRequest) => void | Promise<void>): Receiver<Events>;
  /** Verifies, parses and dispatches one request; never throws. */
  receive(request: WebhookRequest): Promise<ReceiveOutcome>;
  readonly options: ReceiverOptions;
}

/** Default body cap of the adapters: 1 MiB, as GitHub's (25 MB) outliers aside providers send far less. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * HTTP status for each failure. Signature problems are 401 and timestamp or body problems 400, so the
 * sender sees its own mistake; receiver misconfiguration (no secret, body parsed before us, no URL for
 * Twilio) is 500 so that providers keep retrying until it is fixed rather than dropping the event.
 */
export const STATUS_BY_CODE: Readonly<Record<VerifyErrorCode | 'handler_failed', number>> = {
  missing_header: 401,
  malformed_header: 401,
  invalid_signature: 401,
  unsupported_version: 401,
  invalid_timestamp: 400,
  timestamp_too_old: 400,
  timestamp_in_future: 400,
  invalid_json: 400,
  body_too_large: 413,
  invalid_secret: 500,
  invalid_config: 500,
  body_not_raw: 500,
  missing_url: 500,
  handler_failed: 500,
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function parsePayload(request: WebhookRequest, bytes: Uint8Array): { payload: unknown } | VerifyFailure {
  if (bytes.length === 0) return { payload: undefined };
  const text = fromUtf8(bytes);
  const type = getHeader(request.headers, 'content-type')?.toLowerCase() ?? '';
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { payload: Object.fromEntries(new URLSearchParams(text)) };
  }
  try {
    return { payload: JSON.parse(text) };
  } catch {
    return failure(
      'invalid_json',
      'the body is not valid JSON (a form body needs content-type application/x-www-form-urlencoded)',
    );
  }
}

/**
 * A webhook receiver: verifies each request with the scheme, parses the body, and calls the handlers of
 * its event type. Type the events by passing a map of event type to payload.
 * @example
 * type Events = { 'invoice.paid': { id: string; amount_paid: number } };
 * const hooks = createReceiver<Events>({ scheme: 'stripe', secret: process.env.STRIPE_WEBHOOK_SECRET });
 * hooks.on('invoice.paid', (event) => console.log(event.payload.amount_paid));
 * export const POST = toRequestHandler(hooks); // or toNodeMiddleware(hooks), webhooksFastify(hooks, …)
 */
export function createReceiver<Events extends Record<string, unknown> = Record<string, unknown>>(
  options: ReceiverOptions,
): Receiver<Events> {
  const scheme = typeof options.scheme === 'string' ? schemes[options.scheme] : options.scheme;
  const handlers = new Map<string, Handler<WebhookEvent<string, unknown>>[]>();
  const anyHandlers: Handler<WebhookEvent<string, unknown>>[] = [];
  const errorHandlers: ((error: ReceiverError, request: WebhookRequest) => void | Promise<void>)[] = [];

  async function refuse(request: WebhookRequest, error: ReceiverError): Promise<ReceiveOutcome> {
    for (const handler of errorHandlers) {
      try {
        await handler(error, request);
      } catch {
        // An error reporter that fails must not change the answer the sender gets.
      }
    }
    const body = JSON.stringify({ error: { code: error.code, message: error.message } });
    return { status: error.status, headers: JSON_HEADERS, body, error };
  }

  const receiver: Receiver<Events> = {
    options,
    on(type, handler) {
      const list = handlers.get(type) ?? [];
      list.push(handler as Handler<WebhookEvent<string, unknown>>);
      handlers.set(type, list);
      return receiver;
    },
    onAny(handler) {
      anyHandlers.push(handler as Handler<WebhookEvent<string, unknown>>);
      return receiver;
    },
    onError(handler) {
      errorHandlers.push(handler);
      return receiver;
    },
    async receive(request) {
      let verified: Awaited<ReturnType<Scheme['verify']>>;
      try {
        verified = await scheme.verify(request, options);
      } catch (cause) {
        // Built-in schemes never throw; a custom one that does is a receiver bug, answered like one.
        const message = '@hookline/webhooks: the scheme threw instead of returning a result';
        return refuse(request, {
          code: 'invalid_config',
          message,
          status: STATUS_BY_CODE.invalid_config,
          cause,
        });
      }
      if (!verified.ok) {
        return refuse(request, {
          code: verified.code,
          message: verified.message,
          status: STATUS_BY_CODE[verified.code],
        });
      }
      // verify() succeeded, so the body is raw.
      const bytes = rawBytes(request.body) as Uint8Array;
      const parsed = parsePayload(request, bytes);
      if (!('payload' in parsed)) {
        return refuse(request, {
          code: parsed.code,
          message: parsed.message,
          status: STATUS_BY_CODE[parsed.code],
        });
      }
      const described = scheme.describe(request, parsed.payload ?? null);
      const id = verified.id ?? described.id;
      const event: WebhookEvent = {
        type: described.eventType ?? '',
        payload: parsed.payload,
        rawBody: bytes,
        headers: request.headers,
        ...(id === undefined ? {} : { id }),
        ...(verified.timestamp === undefined ? {} : { timestamp: verified.timestamp }),
      };
      try {
        for (const handler of handlers.get(event.type) ?? []) await handler(event);
        for (const handler of anyHandlers) await handler(event);
      } catch (cause) {
        const message = `@hookline/webhooks: a handler for "${event.type}" threw; answering 500 so the sender retries`;
        return refuse(request, { code: 'handler_failed', message, status: 500, cause });
      }
      return { status: 204, headers: {}, body: '', event };
    },
  };
  return receiver;
}
