import type { IncomingHttpHeaders } from 'node:http';
import type { RoutableMessage, Router } from '../delivery/router.ts';
import type { InsertOutcome, Store } from '../store/store.ts';
import { isStoreError } from '../store/store-error.ts';
import type { Endpoint, Source } from '../store/types.ts';
import { ACCEPTED_CODINGS, contentCodingsOf, decodeContentCodings } from './content-coding.ts';
import { resolveDedupKey, resolveEventType } from './event-meta.ts';
import type { IngestConfig } from './ingest-config.ts';
import { IngestError } from './ingest-errors.ts';
import { type HandshakeAnswer, zoomValidation } from './provider-handshakes.ts';
import { parseJsonSafely, utf8Text } from './safe-json.ts';
import { selectHeaders } from './select-headers.ts';
import { slackChallengeOf } from './slack-challenge.ts';
import { isSlackSslCheck } from './slack-ssl-check.ts';
import { schemeOf, verifyingSecret, verifySource } from './verify-source.ts';

/** Seconds a sender is asked to wait when the store cannot take a message. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** What the ingest path needs; the Fastify plugin builds it from its options. */
export interface IngestDeps {
  store: Pick<Store, 'insertMessage'>;
  router: Pick<Router, 'route'>;
  clock: () => number;
  config: IngestConfig;
  /** Attempts each new delivery gets (the retry policy's `maxAttempts(endpoint)`). */
  maxAttempts: (endpoint: Endpoint) => number;
  /** Where refused verifications are explained (the scheme's message names the header, never a secret). */
  onRejected?: (source: Source, detail: string) => void;
}

/** One inbound request, already read to bytes within the source's limit. */
export interface InboundRequest {
  source: Source;
  body: Uint8Array;
  headers: IncomingHttpHeaders;
  /** The full URL the sender called (Twilio signs it). */
  url: string;
  /** What followed `/in/{token}` (path and query), null when nothing did. */
  subPath: string | null;
  /** The W3C `traceparent` of the request's span, stored with the message (tracing on). */
  traceParent?: string | null;
}

/**
 * What a request became: a committed message (or the duplicate already stored), or a provider's
 * handshake to answer: Slack's Request URL check (verified, answered with its challenge), Slack's
 * certificate check (slack-ssl-check.ts) or Zoom's URL validation (verified, provider-handshakes.ts).
 * Handshakes are neither stored nor forwarded: they are no events.
 */
export type IngestResult =
  | { kind: 'message'; outcome: InsertOutcome }
  | { kind: 'handshake'; answer: HandshakeAnswer };

// Slack takes the challenge as text or JSON; JSON escapes whatever the string holds.
const slackChallengeAnswer = (challenge: string): HandshakeAnswer => ({
  name: 'slack url_verification',
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ challenge }),
});
const SLACK_SSL_CHECK_ANSWER: HandshakeAnswer = { name: 'slack ssl_check', contentType: null, body: '' };

const FORM = 'application/x-www-form-urlencoded';

/** A request header as one string (repeated ones joined as HTTP folds them), or undefined. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The parsed body for routing, filters and event-type rules: JSON (bounded, see safe-json.ts) or the
 * fields of a form body; `undefined` when the body is neither. Bodies are stored as bytes whatever this says.
 */
function parseBody(
  body: Uint8Array,
  contentType: string,
  maxDepth: number,
): { json: unknown; isJson: boolean } {
  if (body.length === 0) return { json: undefined, isJson: false };
  const text = utf8Text(body);
  if (text === null) return { json: undefined, isJson: false };
  if (contentType.toLowerCase().startsWith(FORM)) {
    return { json: Object.fromEntries(new URLSearchParams(text)), isJson: false };
  }
  const parsed = parseJsonSafely(text, maxDepth);
  return parsed.ok ? { json: parsed.value, isJson: true } : { json: undefined, isJson: false };
}

/** The most bytes a source's body may have, on the wire and once decoded. */
export function bodyLimit(source: Pick<Source, 'maxBodyBytes'>, config: IngestConfig): number {
  return Math.min(source.maxBodyBytes, config.maxBodyBytesLimit);
}

/** The body with its `Content-Encoding` undone, for parsing only: 413 past `limit`, 415 if it will not decode. */
async function decodeBody(body: Uint8Array, encoding: string, limit: number): Promise<Uint8Array> {
  const codings = contentCodingsOf(encoding);
  const decoded = codings === null ? null : await decodeContentCodings(body, codings, limit);
  if (decoded?.ok) return decoded.body;
  if (decoded?.reason === 'too_large') throw new IngestError('payload_too_large');
  throw new IngestError('unsupported_content_encoding', { headers: { 'accept-encoding': ACCEPTED_CODINGS } });
}

/** Stored headers once the body is kept decoded: its coding no longer describes it. */
function withoutCoding(headers: Record<string, string>): Record<string, string> {
  const { 'content-encoding': _coding, ...rest } = headers;
  return rest;
}

function storeFailure(error: unknown): IngestError | null {
  if (!isStoreError(error)) return null;
  if (error.code === 'value_too_large') return new IngestError('payload_too_large');
  // Anything else the store refuses is transient from the sender's point of view: ask it to retry.
  return new IngestError('unavailable', { retryAfterSeconds: STORE_RETRY_AFTER_SECONDS });
}

/**
 * The verified ingest path after the body is read: verify over the exact bytes, parse (bounded) for the
 * event type, dedup key and routing, then store the message and its deliveries in one commit. Resolves
 * only after that commit (a duplicate resolves with the stored message), or with the answer to a
 * provider's handshake; throws {@link IngestError}.
 */
export async function ingestRequest(deps: IngestDeps, request: InboundRequest): Promise<IngestResult> {
  const { source, body, headers } = request;
  // Before verification on purpose: Slack's certificate check need not be signed (slack-ssl-check.ts).
  if (isSlackSslCheck(source, headers, body)) return { kind: 'handshake', answer: SLACK_SSL_CHECK_ANSWER };
  const webhookRequest = { headers, body, url: request.url, method: 'POST' };
  const verification = await verifySource(source, webhookRequest, deps.clock);
  if (!verification.ok) {
    deps.onRejected?.(source, verification.detail);
    throw verification.error;
  }
  const contentType = headerOf(headers, 'content-type') ?? 'application/octet-stream';
  // Decoded only now that the bytes verified, so a forged bomb costs no inflating. The bytes stored and
  // forwarded stay the ones on the wire, which are what the provider signed, unless the source says to
  // decompress (for receivers whose body parser inflates before they verify).
  const encoding = headerOf(headers, 'content-encoding');
  const decoded =
    encoding === undefined ? body : await decodeBody(body, encoding, bodyLimit(source, deps.config));
  const { json, isJson } = parseBody(decoded, contentType, deps.config.maxJsonDepth);
  const challenge = slackChallengeOf(source, json);
  if (challenge !== null) return { kind: 'handshake', answer: slackChallengeAnswer(challenge) };
  const zoom = await zoomValidation(source, json, () => verifyingSecret(source, webhookRequest, deps.clock));
  if (zoom !== null) return { kind: 'handshake', answer: zoom };
  if (source.requireJson && !isJson) throw new IngestError('invalid_json');

  // `null`, not `undefined`: describe() would otherwise parse the body itself, unbounded.
  const description = schemeOf(source).describe(webhookRequest, json === undefined ? null : json);
  const meta = {
    header: (name: string) => headerOf(headers, name),
    json,
    description,
    verifiedId: verification.verified.id,
  };
  const eventType = resolveEventType(source, meta);
  const routable: RoutableMessage = {
    tenant: source.tenant,
    eventType,
    channels: [],
    sourceId: source.id,
    payload: json,
  };
  const decompressed = source.decompress && encoding !== undefined;
  try {
    const endpoints = await deps.router.route(routable);
    const outcome = await deps.store.insertMessage({
      tenant: source.tenant,
      eventType,
      eventId: description.id ?? null,
      channels: [],
      sourceId: source.id,
      subPath: request.subPath,
      headers: decompressed ? withoutCoding(selectHeaders(headers, source)) : selectHeaders(headers, source),
      contentType,
      body: decompressed ? decoded : body,
      dedupKey: resolveDedupKey(source, meta),
      traceParent: request.traceParent ?? null,
      deliveries: endpoints.map((endpoint) => ({
        endpointId: endpoint.id,
        maxAttempts: deps.maxAttempts(endpoint),
      })),
    });
    return { kind: 'message', outcome };
  } catch (error) {
    throw storeFailure(error) ?? error;
  }
}
