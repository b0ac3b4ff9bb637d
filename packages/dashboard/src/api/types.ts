/**
 * The API's JSON shapes as the dashboard reads them (see docs/openapi.json and the server's
 * api/present.ts). Written out rather than imported: the dashboard talks only to the public API.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface MessageSummary {
  id: string;
  tenant: string | null;
  eventType: string;
  eventId: string | null;
  channels: string[];
  sourceId: string | null;
  subPath: string | null;
  contentType: string | null;
  idempotencyKey: string | null;
  createdAt: string;
}

export interface Message extends MessageSummary {
  headers: Record<string, string>;
  /** The Content-Encoding an inbound body came with; payload and body show it decoded. */
  contentEncoding: string | null;
  /** The body parsed as JSON when it is JSON (null otherwise). */
  payload: Json;
  /** The body as text when it is not JSON (null when it is, or when expired). */
  body: string | null;
  payloadExpired: boolean;
}

export const DELIVERY_STATUSES = [
  'pending',
  'in_flight',
  'succeeded',
  'failed',
  'exhausted',
  'cancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  id: string;
  messageId: string;
  endpointId: string;
  tenant: string | null;
  status: DeliveryStatus;
  attemptCount: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface Attempt {
  id: string;
  deliveryId: string | null;
  messageId: string;
  endpointId: string;
  attemptNumber: number;
  /** `cli`: a forward reported by `hookline listen` (endpointId is then a listener id, `lsn_…`). */
  trigger: 'scheduled' | 'manual' | 'cli';
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  errorKind: string | null;
  errorMessage: string | null;
  createdAt: string;
}

export interface Endpoint {
  id: string;
  tenant: string | null;
  url: string;
  description: string | null;
  disabled: boolean;
  disabledReason: string | null;
  eventTypes: string[];
  channels: string[];
  sources: string[];
  payloadFilter: Json;
  headers: Record<string, string>;
  timeoutMs: number | null;
  retrySchedule: number[] | null;
  rateLimitPerSecond: number | null;
  maxConcurrency: number | null;
  signing: Json;
  secretCount: number;
  failingSince: string | null;
  metadata: Json;
  createdAt: string;
  updatedAt: string;
}

/** A provider's URL-registration handshake a source answers (docs/receiving.md "Provider handshakes"). */
export type SourceHandshake =
  | { kind: 'meta'; verifyToken: string }
  | { kind: 'x' | 'zoom' | 'microsoft-graph' | 'dropbox' | 'okta' };

export interface Source {
  id: string;
  name: string;
  tenant: string | null;
  /** `/in/{token}`: the public ingest path (the token is its capability). */
  ingestPath: string;
  /** A short path such as `/webhook` that also ingests to this source. */
  alias: string | null;
  verification: Json;
  secretCount: number;
  toleranceSeconds: number | null;
  maxBodyBytes: number | null;
  contentTypes: string[] | null;
  requireJson: boolean;
  /** A compressed body is stored and forwarded decompressed, without its Content-Encoding. */
  decompress: boolean;
  /** The provider handshake answered for this source, or null for none. */
  handshake: SourceHandshake | null;
  response: Json;
  eventTypeRule: Json;
  dedupRule: Json;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface EventType {
  name: string;
  description: string | null;
  schema: Json;
  enforceSchema: boolean;
  examples: Json[];
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}
