// Row shapes as `pg` returns them (int8 already parsed to number, jsonb parsed, bytea as Buffer) and their
// mapping to the contract's records. One place, so every query returns records the same way.
import type {
  ApiKey,
  ApiKeyScope,
  Attempt,
  AttemptErrorKind,
  AttemptTrigger,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EndpointSecret,
  EventType,
  Json,
  Message,
  SigningScheme,
  Source,
} from '../types.ts';

export interface MessageRow {
  id: string;
  tenant: string | null;
  event_type: string;
  event_id: string | null;
  channels: string[];
  source_id: string | null;
  sub_path: string | null;
  headers: Record<string, string>;
  content_type: string;
  body: Buffer | null;
  idempotency_key: string | null;
  dedup_key: string | null;
  trace_parent: string | null;
  created_at: number;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    tenant: row.tenant,
    eventType: row.event_type,
    eventId: row.event_id,
    channels: row.channels,
    sourceId: row.source_id,
    subPath: row.sub_path,
    headers: row.headers,
    contentType: row.content_type,
    body:
      row.body === null ? null : new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength),
    idempotencyKey: row.idempotency_key,
    dedupKey: row.dedup_key,
    traceParent: row.trace_parent,
    createdAt: row.created_at,
  };
}

export const DELIVERY_COLUMNS =
  'id, message_id, endpoint_id, tenant, status, attempt_count, manual_attempts, max_attempts, next_attempt_at, lease_expires_at, lease_token, last_status_code, last_error, created_at, updated_at, completed_at';

export interface DeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  tenant: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  manual_attempts: number;
  max_attempts: number;
  next_attempt_at: number | null;
  lease_expires_at: number | null;
  lease_token: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    tenant: row.tenant,
    status: row.status,
    attemptCount: row.attempt_count,
    manualAttempts: row.manual_attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseExpiresAt: row.lease_expires_at,
    leaseToken: row.lease_token,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

export interface AttemptRow {
  id: string;
  delivery_id: string;
  message_id: string;
  endpoint_id: string;
  attempt_number: number;
  trigger: AttemptTrigger;
  url: string;
  request_headers: Record<string, string>;
  response_status: number | null;
  response_headers: Record<string, string>;
  response_body: string | null;
  duration_ms: number;
  error_kind: AttemptErrorKind;
  error_message: string | null;
  created_at: number;
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    attemptNumber: row.attempt_number,
    trigger: row.trigger,
    url: row.url,
    requestHeaders: row.request_headers,
    responseStatus: row.response_status,
    responseHeaders: row.response_headers,
    responseBody: row.response_body,
    durationMs: row.duration_ms,
    errorKind: row.error_kind,
    errorMessage: row.error_message,
    createdAt: row.created_at,
  };
}

export interface EndpointRow {
  id: string;
  tenant: string | null;
  url: string;
  description: string;
  disabled: boolean;
  disabled_reason: string | null;
  event_types: string[] | null;
  channels: string[] | null;
  sources: string[] | null;
  payload_filter: Json | null;
  headers: Record<string, string>;
  timeout_ms: number;
  retry_schedule: number[] | null;
  rate_limit_per_second: number | null;
  max_concurrency: number | null;
  signing: SigningScheme;
  secrets: EndpointSecret[];
  failing_since: number | null;
  metadata: Record<string, string>;
  created_at: number;
  updated_at: number;
}

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    tenant: row.tenant,
    url: row.url,
    description: row.description,
    disabled: row.disabled,
    disabledReason: row.disabled_reason,
    eventTypes: row.event_types,
    channels: row.channels,
    sources: row.sources,
    payloadFilter: row.payload_filter,
    headers: row.headers,
    timeoutMs: row.timeout_ms,
    retrySchedule: row.retry_schedule,
    rateLimitPerSecond: row.rate_limit_per_second,
    maxConcurrency: row.max_concurrency,
    signing: row.signing,
    secrets: row.secrets,
    failingSince: row.failing_since,
    metadata: row.metadata,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface SourceRow {
  id: string;
  name: string;
  token: string;
  tenant: string | null;
  verification: Source['verification'];
  secrets: EndpointSecret[];
  tolerance_seconds: number;
  max_body_bytes: number;
  content_types: string[] | null;
  require_json: boolean;
  decompress: boolean;
  handshake: Source['handshake'];
  response: Source['response'];
  event_type_rule: Source['eventTypeRule'];
  dedup_rule: Source['dedupRule'];
  alias: string | null;
  disabled: boolean;
  created_at: number;
  updated_at: number;
}

export function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    name: row.name,
    token: row.token,
    tenant: row.tenant,
    verification: row.verification,
    secrets: row.secrets,
    toleranceSeconds: row.tolerance_seconds,
    maxBodyBytes: row.max_body_bytes,
    contentTypes: row.content_types,
    requireJson: row.require_json,
    decompress: row.decompress,
    handshake: row.handshake,
    response: row.response,
    eventTypeRule: row.event_type_rule,
    dedupRule: row.dedup_rule,
    alias: row.alias,
    disabled: row.disabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface EventTypeRow {
  name: string;
  description: string;
  schema: Json | null;
  enforce_schema: boolean;
  examples: Json[];
  archived: boolean;
  created_at: number;
  updated_at: number;
}

export function toEventType(row: EventTypeRow): EventType {
  return {
    name: row.name,
    description: row.description,
    schema: row.schema,
    enforceSchema: row.enforce_schema,
    examples: row.examples,
    archived: row.archived,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface ApiKeyRow {
  id: string;
  name: string;
  hash: string;
  prefix: string;
  scopes: ApiKeyScope[];
  tenant: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    prefix: row.prefix,
    scopes: row.scopes,
    tenant: row.tenant,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** jsonb parameters go over the wire as JSON text; `pg` would send JS arrays as PostgreSQL arrays. */
export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
