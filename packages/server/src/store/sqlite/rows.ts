import type { SQLOutputValue } from 'node:sqlite';
import type {
  ApiKey,
  Attempt,
  AttemptErrorKind,
  AttemptTrigger,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EventType,
  Message,
  Source,
} from '../types.ts';

/** A row as node:sqlite returns it. */
export type Row = Record<string, SQLOutputValue>;

const str = (v: SQLOutputValue | undefined): string => (v === null || v === undefined ? '' : String(v));
const optStr = (v: SQLOutputValue | undefined): string | null =>
  v === null || v === undefined ? null : String(v);
const num = (v: SQLOutputValue | undefined): number => Number(v ?? 0);
const optNum = (v: SQLOutputValue | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);
const bool = (v: SQLOutputValue | undefined): boolean => Number(v ?? 0) !== 0;
function json<T>(v: SQLOutputValue | undefined): T {
  return JSON.parse(str(v)) as T;
}
function optJson<T>(v: SQLOutputValue | undefined): T | null {
  return v === null || v === undefined ? null : (JSON.parse(String(v)) as T);
}

/** JSON text for a column, or NULL. */
export const toJson = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

export function toMessage(row: Row): Message {
  const body = row.body;
  return {
    id: str(row.id),
    tenant: optStr(row.tenant),
    eventType: str(row.event_type),
    eventId: optStr(row.event_id),
    channels: json<string[]>(row.channels),
    sourceId: optStr(row.source_id),
    subPath: optStr(row.sub_path),
    headers: json<Record<string, string>>(row.headers),
    contentType: str(row.content_type),
    body: body instanceof Uint8Array ? body : null,
    idempotencyKey: optStr(row.idempotency_key),
    dedupKey: optStr(row.dedup_key),
    traceParent: optStr(row.trace_parent),
    createdAt: num(row.created_at),
  };
}

export function toDelivery(row: Row): Delivery {
  return {
    id: str(row.id),
    messageId: str(row.message_id),
    endpointId: str(row.endpoint_id),
    tenant: optStr(row.tenant),
    status: str(row.status) as DeliveryStatus,
    attemptCount: num(row.attempt_count),
    manualAttempts: num(row.manual_attempts),
    maxAttempts: num(row.max_attempts),
    nextAttemptAt: optNum(row.next_attempt_at),
    leaseExpiresAt: optNum(row.lease_expires_at),
    leaseToken: num(row.lease_token),
    lastStatusCode: optNum(row.last_status_code),
    lastError: optStr(row.last_error),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    completedAt: optNum(row.completed_at),
  };
}

export function toAttempt(row: Row): Attempt {
  return {
    id: str(row.id),
    deliveryId: str(row.delivery_id),
    messageId: str(row.message_id),
    endpointId: str(row.endpoint_id),
    attemptNumber: num(row.attempt_number),
    trigger: str(row.trigger) as AttemptTrigger,
    url: str(row.url),
    requestHeaders: json<Record<string, string>>(row.request_headers),
    responseStatus: optNum(row.response_status),
    responseHeaders: json<Record<string, string>>(row.response_headers),
    responseBody: optStr(row.response_body),
    durationMs: num(row.duration_ms),
    errorKind: str(row.error_kind) as AttemptErrorKind,
    errorMessage: optStr(row.error_message),
    createdAt: num(row.created_at),
  };
}

export function toEndpoint(row: Row): Endpoint {
  return {
    id: str(row.id),
    tenant: optStr(row.tenant),
    url: str(row.url),
    description: str(row.description),
    disabled: bool(row.disabled),
    disabledReason: optStr(row.disabled_reason),
    eventTypes: optJson(row.event_types),
    channels: optJson(row.channels),
    sources: optJson(row.sources),
    payloadFilter: optJson(row.payload_filter),
    headers: json(row.headers),
    timeoutMs: num(row.timeout_ms),
    retrySchedule: optJson(row.retry_schedule),
    rateLimitPerSecond: optNum(row.rate_limit_per_second),
    maxConcurrency: optNum(row.max_concurrency),
    signing: json(row.signing),
    secrets: json(row.secrets),
    failingSince: optNum(row.failing_since),
    metadata: json(row.metadata),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toSource(row: Row): Source {
  return {
    id: str(row.id),
    name: str(row.name),
    token: str(row.token),
    tenant: optStr(row.tenant),
    verification: json(row.verification),
    secrets: json(row.secrets),
    toleranceSeconds: num(row.tolerance_seconds),
    maxBodyBytes: num(row.max_body_bytes),
    contentTypes: optJson(row.content_types),
    requireJson: bool(row.require_json),
    decompress: bool(row.decompress),
    handshake: optJson(row.handshake),
    response: json(row.response),
    eventTypeRule: json(row.event_type_rule),
    dedupRule: json(row.dedup_rule),
    alias: optStr(row.alias),
    disabled: bool(row.disabled),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toEventType(row: Row): EventType {
  return {
    name: str(row.name),
    description: str(row.description),
    schema: optJson(row.schema),
    enforceSchema: bool(row.enforce_schema),
    examples: json(row.examples),
    archived: bool(row.archived),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toApiKey(row: Row): ApiKey {
  return {
    id: str(row.id),
    name: str(row.name),
    hash: str(row.hash),
    prefix: str(row.prefix),
    scopes: json(row.scopes),
    tenant: optStr(row.tenant),
    createdAt: num(row.created_at),
    lastUsedAt: optNum(row.last_used_at),
    revokedAt: optNum(row.revoked_at),
  };
}
