import type {
  ApiKey,
  Attempt,
  AttemptErrorKind,
  AttemptTrigger,
  Delivery,
  DeliveryStatus,
  Endpoint,
  EndpointSecret,
  EventType,
  Json,
  Listener,
  Message,
  Source,
} from './types.ts';

/**
 * The one contract both engines implement (`sqlite/` and `postgres/`, same file names).
 * Engine differences are capabilities here, never `if (engine === …)` outside `store/`.
 * Expected failures throw `StoreError` (see store-error.ts) with a stable code.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;

  /** Applies pending numbered migrations; idempotent and safe when two processes race (PostgreSQL). */
  migrate(): Promise<{ applied: string[] }>;
  /** True when reachable and every migration is applied (for /readyz). */
  ping(): Promise<{ ok: true } | { ok: false; reason: string }>;
  close(): Promise<void>;

  // --- write path -------------------------------------------------------------------------------------
  /**
   * Stores one message and its deliveries in one commit and resolves only after that commit.
   * Concurrent calls may share a group commit. A clash on (tenant, idempotencyKey) or on
   * (sourceId, dedupKey) stores nothing and returns the existing message with `duplicate: true`.
   */
  insertMessage(input: NewMessage): Promise<InsertOutcome>;
  /**
   * All messages in one commit (all or nothing, apart from duplicates, which are reported as such). With
   * `options.sameRequest`, duplicates are part of the all or nothing too: see InsertMessagesOptions.
   */
  insertMessages(inputs: NewMessage[], options?: InsertMessagesOptions): Promise<InsertOutcome[]>;

  // --- queue ------------------------------------------------------------------------------------------
  /**
   * Claims up to `limit` due deliveries (pending/failed with nextAttemptAt <= now, or in_flight with an
   * expired lease), oldest due first, skipping rows other workers hold. Each claim bumps `leaseToken`
   * and `attemptCount`; an expired lease whose attempts are used up becomes `exhausted` instead.
   * `excludeEndpoints` lets the dispatcher skip endpoints that are at their concurrency or rate limit.
   * Deliveries of disabled endpoints are never claimed: they stay as they are (recoverable) until the
   * endpoint is enabled again. Deleting an endpoint cancels its unfinished deliveries.
   */
  claimDeliveries(request: ClaimRequest): Promise<ClaimedDelivery[]>;
  /**
   * Records attempts and moves their deliveries on, batched. A result whose leaseToken is no longer
   * current (the lease expired and another worker took over) is refused: `accepted: false`, the
   * delivery is untouched, the attempt row is still written (it happened).
   */
  completeAttempts(results: AttemptResult[]): Promise<{ deliveryId: string; accepted: boolean }[]>;
  /** Gives claimed deliveries back without counting an attempt (graceful shutdown). */
  releaseDeliveries(claims: { deliveryId: string; leaseToken: number }[]): Promise<number>;
  /**
   * Records a manual resend: an attempt marked `manual`; a scheduled retry is not disturbed. A delivery
   * that was created unscheduled for this resend (pending, never due, no attempt yet) takes the attempt's
   * outcome as its final state: `succeeded` when `errorKind` is `none`, else `exhausted` (recoverable).
   * A success also settles an `exhausted` delivery as `succeeded` and clears the endpoint's `failingSince`;
   * a failure touches neither.
   */
  recordManualAttempt(attempt: NewAttempt): Promise<Attempt>;
  /**
   * Creates (or returns) the delivery of a message to an endpoint, for resends to new endpoints. A created
   * delivery is due at once unless `scheduled` is false: a manual resend creates it never due, so the
   * worker does not send it a second time while the resend's own attempt runs.
   */
  ensureDelivery(
    messageId: string,
    endpointId: string,
    maxAttempts: number,
    options?: { scheduled?: boolean },
  ): Promise<Delivery>;
  /**
   * Records one forward reported by `hookline listen`, in one commit: the listener (tenant, name) is created
   * or touched, the message's delivery to it is created or moved to a final state (`succeeded` when
   * `errorKind` is `none`, else `exhausted`; never due, so never claimed), and the attempt is written with
   * trigger `cli`. `not_found` for an unknown message (and then nothing is written).
   */
  recordListenerAttempt(input: ListenerAttemptInput): Promise<ListenerAttemptRecord>;
  listListeners(query: ResourceQuery): Promise<Page<Listener>>;
  /** Failed and exhausted deliveries of an endpoint created in [since, until) go back to pending now. */
  recoverDeliveries(filter: { endpointId: string; since: number; until: number }): Promise<number>;
  /**
   * Unfinished deliveries matching the filter become `cancelled`, in flight ones too: the result of their
   * attempt is then refused (`accepted: false`, the attempt row still written), so no retry follows.
   */
  cancelDeliveries(filter: { messageId?: string; endpointId?: string; deliveryId?: string }): Promise<number>;
  /** Earliest time something becomes claimable, for the dispatcher's sleep; null when the queue is empty. */
  nextDueAt(): Promise<number | null>;
  /**
   * Calls `listener` when new work may be due (in-process signal on SQLite, LISTEN/NOTIFY on
   * PostgreSQL with automatic re-listen). Polling stays the fallback. Returns the unsubscribe.
   */
  onWork(listener: () => void): () => void;
  /**
   * Optional (both engines have it): deliveries due at once in messages this process inserts are leased
   * to `worker` in the insert's own commit and handed to it afterwards, instead of waiting as pending rows
   * for its next claim. Returns the detach. At most one worker is attached.
   */
  attachLocalWorker?(worker: LocalWorker): () => void;

  // --- reads ------------------------------------------------------------------------------------------
  getMessage(id: string): Promise<Message | null>;
  /** Several messages in one query (the dispatcher loads a claimed batch's messages at once); missing ids are left out. */
  getMessages(ids: string[]): Promise<Message[]>;
  listMessages(query: MessageQuery): Promise<Page<Message>>;
  getDelivery(id: string): Promise<Delivery | null>;
  listDeliveries(query: DeliveryQuery): Promise<Page<Delivery>>;
  listAttempts(query: AttemptQuery): Promise<Page<Attempt>>;
  /** Counts per time bucket for health charts. */
  countDeliveries(query: CountQuery): Promise<CountBucket[]>;
  /** Deliveries due now or overdue, and the age of the oldest one (metrics). */
  queueDepth(now: number): Promise<{ due: number; oldestDueAt: number | null }>;
  /**
   * One endpoint's recent health (the dashboard asks once per visible row): index-range counts and index
   * seeks only, so its cost follows the attempts in the window, never the table's size.
   */
  endpointHealth(query: EndpointHealthQuery): Promise<EndpointHealth>;
  /** The endpoint's latest failed attempt (one index seek); null when none is stored. */
  lastFailedAttempt(endpointId: string): Promise<AttemptFailure | null>;
  /**
   * Endpoints failing now: enabled ones with `failingSince` set and disabled ones with a `disabledReason`,
   * by id, at most `limit`.
   */
  listFailingEndpoints(query: { tenant?: string; limit: number }): Promise<Endpoint[]>;

  // --- resources --------------------------------------------------------------------------------------
  createEndpoint(input: NewEndpoint): Promise<Endpoint>;
  getEndpoint(id: string): Promise<Endpoint | null>;
  listEndpoints(query: ResourceQuery): Promise<Page<Endpoint>>;
  /** Every enabled endpoint, for routing (callers cache it and refresh on `endpointsVersion` change). */
  listActiveEndpoints(): Promise<Endpoint[]>;
  /** Bumped on every endpoint write, so routers know when their cache is stale. */
  endpointsVersion(): Promise<number>;
  updateEndpoint(id: string, patch: EndpointPatch): Promise<Endpoint>;
  deleteEndpoint(id: string): Promise<void>;

  createSource(input: NewSource): Promise<Source>;
  getSource(id: string): Promise<Source | null>;
  getSourceByToken(token: string): Promise<Source | null>;
  getSourceByAlias(alias: string): Promise<Source | null>;
  getSourceByName(name: string): Promise<Source | null>;
  listSources(query: ResourceQuery): Promise<Page<Source>>;
  updateSource(id: string, patch: SourcePatch): Promise<Source>;
  deleteSource(id: string): Promise<void>;
  /**
   * Replaces an endpoint's or source's stored `secrets` only if they still equal `expected` (a
   * compare-and-set, so re-encrypting beside live API writes never loses a rotation). `updatedAt` and the
   * endpoints version stay: the secrets' plaintext does not change. False when the row changed or is gone.
   */
  replaceSecrets(
    resource: 'endpoint' | 'source',
    id: string,
    expected: EndpointSecret[],
    next: EndpointSecret[],
  ): Promise<boolean>;
  /** `replaceSecrets` for an endpoint's custom `headers` (their values are encrypted at rest too). */
  replaceEndpointHeaders(
    id: string,
    expected: Record<string, string>,
    next: Record<string, string>,
  ): Promise<boolean>;

  upsertEventType(input: NewEventType): Promise<EventType>;
  getEventType(name: string): Promise<EventType | null>;
  listEventTypes(query: ResourceQuery): Promise<Page<EventType>>;
  deleteEventType(name: string): Promise<void>;

  createApiKey(input: NewApiKey): Promise<ApiKey>;
  getApiKeyByHash(hash: string): Promise<ApiKey | null>;
  listApiKeys(query: ResourceQuery): Promise<Page<ApiKey>>;
  revokeApiKey(id: string): Promise<ApiKey>;
  touchApiKey(id: string, at: number): Promise<void>;
  countApiKeys(): Promise<number>;

  // --- operations -------------------------------------------------------------------------------------
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /**
   * Runs `fn` only if no other process holds the named lock (advisory lock on PostgreSQL, in-process
   * on SQLite); returns `{ ran: false }` without waiting otherwise.
   */
  withExclusiveJob<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /**
   * One bounded batch of retention work. Never touches pending or in-flight deliveries. Call repeatedly
   * until every count is zero.
   */
  prune(policy: RetentionPolicy): Promise<PruneResult>;
}

export interface StoreCapabilities {
  /** Many processes can share this store (claims with SKIP LOCKED, advisory locks). */
  multiProcess: boolean;
  /** Wake-ups cross processes (LISTEN/NOTIFY). */
  crossProcessWakeups: boolean;
}

/** What every engine's factory takes: time and ids are injected so tests control them. */
export interface StoreDeps {
  clock: () => number;
  /** Returns a new unique, time-sortable id with the given prefix (`msg`, `dlv`, `att`, `ep`, …). */
  newId: (prefix: string) => string;
}

export interface NewMessage {
  tenant?: string | null;
  eventType: string;
  eventId?: string | null;
  channels?: string[];
  sourceId?: string | null;
  subPath?: string | null;
  headers?: Record<string, string>;
  contentType: string;
  body: Uint8Array;
  idempotencyKey?: string | null;
  dedupKey?: string | null;
  /** W3C `traceparent` of the request's span when tracing is on (ops/tracing.ts). */
  traceParent?: string | null;
  /** One delivery per endpoint, created in the same commit. */
  deliveries: { endpointId: string; maxAttempts: number; nextAttemptAt?: number }[];
}

export interface InsertMessagesOptions {
  /**
   * Whether a duplicate is the request that stored `existing` again (a retry) rather than a different one
   * under the same key. When it is not, for any item, nothing of the call is stored and it rejects with
   * an `IdempotencyConflictError` naming those items: race-free, decided in the commit that would store
   * the rest.
   */
  sameRequest?: (existing: Message, input: NewMessage) => boolean;
}

export type InsertOutcome =
  | { message: Message; duplicate: false; deliveryIds: string[] }
  | { message: Message; duplicate: true };

export interface ClaimRequest {
  workerId: string;
  limit: number;
  leaseMs: number;
  excludeEndpoints?: string[];
}

/** A delivery worker in the inserting process (see `Store.attachLocalWorker`). */
export interface LocalWorker {
  workerId: string;
  leaseMs: number;
  /**
   * Asked inside the insert's transaction for each delivery due at once; true reserves a place for it,
   * and the delivery is stored already claimed by this worker. Synchronous and must not throw.
   */
  reserve(endpointId: string): boolean;
  /** After the commit is durable: the reserved deliveries, leased to this worker, with their messages. */
  take(handoff: { message: Message; claims: ClaimedDelivery[] }[]): void;
  /** The insert did not commit: these reservations (one endpoint id each) are void. */
  cancel(endpointIds: string[]): void;
}

export interface ClaimedDelivery {
  delivery: Delivery;
  leaseToken: number;
}

export interface NewAttempt {
  deliveryId: string;
  messageId: string;
  endpointId: string;
  attemptNumber: number;
  trigger: AttemptTrigger;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
  durationMs: number;
  errorKind: AttemptErrorKind;
  errorMessage: string | null;
}

export interface ListenerAttemptInput {
  messageId: string;
  listener: { tenant: string | null; name: string; forwardUrl: string };
  attempt: Omit<NewAttempt, 'deliveryId' | 'messageId' | 'endpointId' | 'attemptNumber' | 'trigger'>;
}

export interface ListenerAttemptRecord {
  listener: Listener;
  delivery: Delivery;
  attempt: Attempt;
}

export type AttemptOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; nextAttemptAt: number }
  | { kind: 'exhausted' }
  | { kind: 'cancelled' };

export interface AttemptResult {
  deliveryId: string;
  leaseToken: number;
  attempt: NewAttempt;
  outcome: AttemptOutcome;
  /** Endpoint health effect: success clears failingSince, failure sets it if unset, disable disables. */
  endpoint?: { effect: 'success' } | { effect: 'failure' } | { effect: 'disable'; reason: string };
}

export interface Page<T> {
  data: T[];
  /** Opaque; pass back as `cursor` for the next page; null at the end. */
  nextCursor: string | null;
}

export interface PageQuery {
  /** 1–1000, default 50. */
  limit?: number;
  cursor?: string | null;
}

export interface ResourceQuery extends PageQuery {
  tenant?: string | null;
}

export interface MessageQuery extends PageQuery {
  tenant?: string;
  eventType?: string;
  sourceId?: string;
  channel?: string;
  /** Messages with a delivery to this endpoint. */
  endpointId?: string;
  since?: number;
  until?: number;
}

export interface DeliveryQuery extends PageQuery {
  tenant?: string;
  messageId?: string;
  endpointId?: string;
  status?: DeliveryStatus | DeliveryStatus[];
  since?: number;
  until?: number;
}

export interface AttemptQuery extends PageQuery {
  deliveryId?: string;
  messageId?: string;
  endpointId?: string;
  since?: number;
  until?: number;
}

export interface CountQuery {
  since: number;
  until: number;
  bucketMs: number;
  endpointId?: string;
  tenant?: string;
}

export interface EndpointHealthQuery {
  endpointId: string;
  /** Attempts counted are those created at or after this time. */
  since: number;
}

/** A failed attempt, as health views show it. */
export interface AttemptFailure {
  at: number;
  status: number | null;
  errorKind: AttemptErrorKind;
  message: string | null;
}

export interface EndpointHealth {
  /** Attempts since `since` (scheduled and manual), and how many succeeded (`errorKind = 'none'`) or not. */
  attempts: number;
  succeeded: number;
  failed: number;
  /** Over every stored attempt, not only the window. */
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: AttemptFailure | null;
  /** Deliveries not finished: pending, in flight, or failed with a retry scheduled. */
  pending: number;
}

export interface CountBucket {
  start: number;
  messages: number;
  succeeded: number;
  failed: number;
  /** p95 of succeeded attempts' durationMs in the bucket, null when none. */
  p95DurationMs: number | null;
}

export type NewEndpoint = Omit<
  Endpoint,
  'id' | 'createdAt' | 'updatedAt' | 'failingSince' | 'disabledReason'
> & {
  disabledReason?: string | null;
  /** Chosen by the caller only when it must know the id before the write (secrets encrypted per row). */
  id?: string;
};
export type EndpointPatch = Partial<Omit<Endpoint, 'id' | 'createdAt' | 'updatedAt'>>;

export type NewSource = Omit<Source, 'id' | 'createdAt' | 'updatedAt'> & {
  /** Chosen by the caller only when it must know the id before the write (secrets encrypted per row). */
  id?: string;
};
export type SourcePatch = Partial<Omit<Source, 'id' | 'createdAt' | 'updatedAt'>>;

export type NewEventType = Omit<EventType, 'createdAt' | 'updatedAt'>;

export type NewApiKey = Omit<ApiKey, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>;

export interface RetentionPolicy {
  now: number;
  /** Message bodies older than this are cleared (default 30 days). */
  payloadRetentionMs: number;
  /** Attempt rows older than this are deleted. */
  attemptRetentionMs: number;
  /** Finished deliveries (succeeded, exhausted, cancelled) older than this are deleted. */
  deliveryRetentionMs: number;
  /** Rows per statement, so cleanup never holds the write path for long. */
  batchSize: number;
}

export interface PruneResult {
  payloadsCleared: number;
  attemptsDeleted: number;
  deliveriesDeleted: number;
}

export type { Json };
