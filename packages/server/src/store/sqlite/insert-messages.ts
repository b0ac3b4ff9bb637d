import { assertNoConflicts, conflictCheckOf } from '../idempotency-conflict-error.ts';
import { LocalHandoff } from '../local-handoff.ts';
import type { InsertMessagesOptions, InsertOutcome, NewMessage } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Message } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { type Row, toMessage } from './rows.ts';

// ON CONFLICT DO NOTHING covers both unique indexes (idempotency and dedup): the database decides, so two
// concurrent publishes with one key can never both store a message (no check-then-insert).
const INSERT_MESSAGE = `INSERT INTO messages (id, tenant, event_type, event_id, channels, source_id, sub_path, headers,
  content_type, body, idempotency_key, dedup_key, trace_parent, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const INSERT_DELIVERY = `INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count,
  max_attempts, next_attempt_at, lease_token, created_at, updated_at)
  VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, 0, ?, ?)`;
// A delivery the local worker takes at once is stored as its claim would leave it: in flight, one attempt
// counted, fenced by lease token 1.
const INSERT_CLAIMED_DELIVERY = `INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count,
  max_attempts, next_attempt_at, lease_expires_at, lease_token, worker_id, created_at, updated_at)
  VALUES (?, ?, ?, ?, 'in_flight', 1, ?, ?, ?, 1, ?, ?, ?)`;
const BY_IDEMPOTENCY = `SELECT * FROM messages WHERE coalesce(tenant, '') = ? AND idempotency_key = ?`;
const BY_DEDUP = 'SELECT * FROM messages WHERE source_id = ? AND dedup_key = ?';

/** Rejects what cannot be stored before it reaches the write queue. */
export function validateMessage(ctx: SqliteContext, input: NewMessage): void {
  if (input.body.byteLength > ctx.maxBodyBytes) {
    throw new StoreError(
      'value_too_large',
      `message body is ${input.body.byteLength} bytes; the store accepts at most ${ctx.maxBodyBytes}`,
    );
  }
  const endpoints = new Set<string>();
  for (const delivery of input.deliveries) {
    if (endpoints.has(delivery.endpointId)) {
      throw new StoreError(
        'invalid_argument',
        `endpoint ${delivery.endpointId} is listed twice for one message`,
      );
    }
    endpoints.add(delivery.endpointId);
    if (!Number.isInteger(delivery.maxAttempts) || delivery.maxAttempts < 1) {
      throw new StoreError(
        'invalid_argument',
        `maxAttempts must be a positive integer, got ${delivery.maxAttempts}`,
      );
    }
  }
}

/** Inserts one message and its deliveries inside the current group transaction. */
function insertOne(
  ctx: SqliteContext,
  input: NewMessage,
  signalWork: () => void,
  handoff: LocalHandoff | null,
): InsertOutcome {
  const now = ctx.deps.clock();
  const message: Message = {
    id: ctx.deps.newId('msg'),
    tenant: input.tenant ?? null,
    eventType: input.eventType,
    eventId: input.eventId ?? null,
    channels: input.channels ?? [],
    sourceId: input.sourceId ?? null,
    subPath: input.subPath ?? null,
    headers: input.headers ?? {},
    contentType: input.contentType,
    body: input.body,
    idempotencyKey: input.idempotencyKey ?? null,
    dedupKey: input.dedupKey ?? null,
    traceParent: input.traceParent ?? null,
    createdAt: now,
  };
  const inserted = ctx
    .stmt(INSERT_MESSAGE)
    .run(
      message.id,
      message.tenant,
      message.eventType,
      message.eventId,
      JSON.stringify(message.channels),
      message.sourceId,
      message.subPath,
      JSON.stringify(message.headers),
      message.contentType,
      input.body,
      message.idempotencyKey,
      message.dedupKey,
      message.traceParent,
      now,
    );
  if (inserted.changes === 0) {
    let existing: Row | undefined;
    if (message.idempotencyKey !== null) {
      existing = ctx.stmt(BY_IDEMPOTENCY).get(message.tenant ?? '', message.idempotencyKey) as
        | Row
        | undefined;
    }
    if (!existing && message.sourceId !== null && message.dedupKey !== null) {
      existing = ctx.stmt(BY_DEDUP).get(message.sourceId, message.dedupKey) as Row | undefined;
    }
    if (!existing) throw new StoreError('conflict', `message ${message.id} clashes with an existing row`);
    return { message: toMessage(existing), duplicate: true };
  }
  const deliveryIds: string[] = [];
  let queued = false;
  for (const delivery of input.deliveries) {
    const id = ctx.deps.newId('dlv');
    const dueAt = delivery.nextAttemptAt ?? now;
    deliveryIds.push(id);
    const leased = handoff?.lease(
      message,
      { id, endpointId: delivery.endpointId, maxAttempts: delivery.maxAttempts, dueAt },
      now,
    );
    if (leased && handoff) {
      ctx
        .stmt(INSERT_CLAIMED_DELIVERY)
        .run(
          id,
          message.id,
          delivery.endpointId,
          message.tenant,
          delivery.maxAttempts,
          dueAt,
          leased.leaseExpiresAt,
          handoff.workerId,
          now,
          now,
        );
      continue;
    }
    ctx
      .stmt(INSERT_DELIVERY)
      .run(id, message.id, delivery.endpointId, message.tenant, delivery.maxAttempts, dueAt, now, now);
    queued = true;
  }
  // Only rows left pending need a claim: waking the dispatcher for handed-over ones would claim nothing.
  if (queued) signalWork();
  return { message, duplicate: false, deliveryIds };
}

/**
 * All of `inputs` in one job of the next group commit: all stored, or none. A conflict found by
 * `sameRequest` throws inside the job, so the write queue rolls the job back (with its group, which is
 * then run again job by job: only this caller fails); keyless calls skip the check.
 */
export function insertMessages(
  ctx: SqliteContext,
  inputs: NewMessage[],
  options?: InsertMessagesOptions,
): Promise<InsertOutcome[]> {
  const sameRequest = conflictCheckOf(inputs, options);
  try {
    for (const input of inputs) validateMessage(ctx, input);
  } catch (error) {
    return Promise.reject(error);
  }
  const rows = inputs.reduce((sum, input) => sum + 1 + input.deliveries.length, 0);
  // Asserted, not annotated: the job assigns it, and TypeScript would otherwise narrow it to null here.
  let handoff = null as LocalHandoff | null;
  const stored = ctx.queue.enqueue(rows, (signalWork) => {
    // A second run (its group rolled back, see WriteJob) voids the first run's reservations.
    handoff?.cancelAll();
    // Read when the job runs: the worker attached then is the one that reserves, takes or cancels.
    handoff = ctx.localWorker ? new LocalHandoff(ctx.localWorker) : null;
    const outcomes = inputs.map((input) => insertOne(ctx, input, signalWork, handoff));
    if (sameRequest) assertNoConflicts(inputs, outcomes, sameRequest);
    return outcomes;
  });
  return stored.then(
    (outcomes) => {
      // The job committed as a whole (duplicates lease nothing).
      handoff?.settle(() => true);
      return outcomes;
    },
    (error: unknown) => {
      // Rolled back, alone or with its group: nothing leased was stored.
      handoff?.cancelAll();
      throw error;
    },
  );
}
