/**
 * The records the store keeps. Times are integer milliseconds since the Unix epoch in both engines,
 * so comparisons and cursors never depend on an engine's date type.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Message {
  id: string;
  tenant: string | null;
  eventType: string;
  /** The publisher's own id for the event (`eventId` in the API), if any. */
  eventId: string | null;
  channels: string[];
  /** Set for messages that arrived through an ingest URL. */
  sourceId: string | null;
  /** The sub-path after `/in/{token}`, kept for forwarding. */
  subPath: string | null;
  /** Selected request headers (inbound) or publish metadata; lower-case names. */
  headers: Record<string, string>;
  contentType: string;
  /** The exact bytes received or published; null once the payload has expired. */
  body: Uint8Array | null;
  idempotencyKey: string | null;
  /** Inbound provider id used for dedup (`webhook-id`, `X-GitHub-Delivery`, …). */
  dedupKey: string | null;
  /** W3C `traceparent` of the ingest or publish span that stored it (tracing on), for the attempt spans. */
  traceParent: string | null;
  createdAt: number;
}

export type DeliveryStatus = 'pending' | 'in_flight' | 'succeeded' | 'failed' | 'exhausted' | 'cancelled';

export interface Delivery {
  id: string;
  messageId: string;
  endpointId: string;
  tenant: string | null;
  status: DeliveryStatus;
  /**
   * Scheduled attempts started so far (a claim counts one, a reclaimed expired lease counted one): what
   * the retry schedule and `maxAttempts` go by.
   */
  attemptCount: number;
  /**
   * Manual resends recorded so far, which the schedule ignores. An attempt's `attemptNumber` is its place
   * among both: a scheduled attempt is number `attemptCount + manualAttempts` when claimed, a resend the
   * next one when recorded, so the two never share a number.
   */
  manualAttempts: number;
  /** Attempts allowed by the retry schedule at creation; reaching it means `exhausted`. */
  maxAttempts: number;
  nextAttemptAt: number | null;
  leaseExpiresAt: number | null;
  /** Fencing token: bumped on every claim; only the holder of the current token may complete. */
  leaseToken: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** `scheduled` by the worker, `manual` a resend, `cli` a forward reported by `hookline listen`. */
export type AttemptTrigger = 'scheduled' | 'manual' | 'cli';

export type AttemptErrorKind =
  | 'none'
  | 'http_status'
  | 'timeout'
  | 'connect'
  | 'dns'
  | 'reset'
  | 'tls'
  | 'ssrf_blocked'
  | 'redirect'
  | 'lease_expired'
  | 'internal';

export interface Attempt {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  attemptNumber: number;
  trigger: AttemptTrigger;
  url: string;
  /** Headers as sent, secrets removed (signatures kept, they reveal nothing). */
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string>;
  /** Capped (64 KiB by default), decompressed response body as text. */
  responseBody: string | null;
  durationMs: number;
  errorKind: AttemptErrorKind;
  errorMessage: string | null;
  createdAt: number;
}

/**
 * A `hookline listen` session's identity, one per (tenant, name). Its id (`lsn_…`) stands where an endpoint
 * id would in the deliveries and attempts it reports; it is never routed to and never delivered to.
 */
export interface Listener {
  id: string;
  tenant: string | null;
  name: string;
  /** The local URL of the latest forward reported. */
  forwardUrl: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface EndpointSecret {
  /** `whsec_…`, `whsk_…` (v1a signing key) or a legacy HMAC/token secret. */
  secret: string;
  createdAt: number;
  /** Null for the current secret; old secrets keep signing until this time. */
  expiresAt: number | null;
}

export type SigningScheme =
  | { scheme: 'standard-webhooks-v1' }
  | { scheme: 'standard-webhooks-v1a' }
  | {
      scheme: 'hmac';
      header: string;
      algorithm: 'sha256' | 'sha1' | 'sha512';
      encoding: 'hex' | 'base64';
      prefix?: string;
      timestampHeader?: string;
      /**
       * What is signed, e.g. `{timestamp}.{body}`; absent means the body alone, with the timestamp header
       * sent unsigned (what the seeds' receiver checks).
       */
      signedContent?: string;
    }
  | { scheme: 'token'; header: string };

export interface Endpoint {
  id: string;
  tenant: string | null;
  url: string;
  description: string;
  disabled: boolean;
  disabledReason: string | null;
  /** Null means every event type; entries may end in `*` (e.g. `invoice.*`). */
  eventTypes: string[] | null;
  channels: string[] | null;
  /** Source ids whose inbound messages this endpoint receives; null means all. */
  sources: string[] | null;
  payloadFilter: Json | null;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Delays in ms between attempts; null uses the server default. */
  retrySchedule: number[] | null;
  rateLimitPerSecond: number | null;
  maxConcurrency: number | null;
  signing: SigningScheme;
  secrets: EndpointSecret[];
  /** Start of the current run of failures, reset by any success; drives auto-disable. */
  failingSince: number | null;
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/**
 * A provider's URL-registration handshake: the request a provider sends to prove the URL is its
 * receiver's before it sends events, which must be answered its way (see provider-handshakes.ts).
 */
export type SourceHandshake =
  | { kind: 'meta'; verifyToken: string }
  | { kind: 'x' }
  | { kind: 'zoom' }
  | { kind: 'microsoft-graph' }
  | { kind: 'dropbox' }
  | { kind: 'okta' };

export interface Source {
  id: string;
  name: string;
  /** 128-bit random token in the ingest URL `/in/{token}`. */
  token: string;
  tenant: string | null;
  /** Scheme name and its options (`github`, `stripe`, `hmac` with header/algorithm/…). */
  verification: { scheme: string } & Record<string, Json>;
  secrets: EndpointSecret[];
  toleranceSeconds: number;
  maxBodyBytes: number;
  contentTypes: string[] | null;
  requireJson: boolean;
  /**
   * Store and forward a compressed body (`Content-Encoding`) decompressed, without its coding, for
   * receivers whose body parser inflates before they can verify; off, it goes on exactly as it came.
   */
  decompress: boolean;
  /** The provider's URL-registration handshake this source answers, if any (provider-handshakes.ts). */
  handshake: SourceHandshake | null;
  response: { status: number; body: string; contentType: string };
  eventTypeRule:
    | { kind: 'provider' }
    | { kind: 'header'; name: string }
    | { kind: 'pointer'; pointer: string }
    | { kind: 'fixed'; eventType: string };
  dedupRule:
    | { kind: 'provider' }
    | { kind: 'header'; name: string }
    | { kind: 'pointer'; pointer: string }
    | { kind: 'none' };
  /** The path this source also answers on (e.g. `/webhook` for the default source), if any. */
  alias: string | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface EventType {
  name: string;
  description: string;
  schema: Json | null;
  /** Publishing refuses payloads that break `schema` only when this is on. */
  enforceSchema: boolean;
  examples: Json[];
  archived: boolean;
  createdAt: number;
  updatedAt: number;
}

export type ApiKeyScope = 'admin' | 'publish' | 'read';

export interface ApiKey {
  id: string;
  name: string;
  /** SHA-256 of the key, hex; the key itself is never stored. */
  hash: string;
  /** The first characters of the key, to recognise it in lists. */
  prefix: string;
  scopes: ApiKeyScope[];
  /** A tenant-scoped key sees and manages only that tenant's resources. */
  tenant: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
