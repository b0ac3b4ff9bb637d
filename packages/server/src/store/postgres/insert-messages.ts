import { assertNoConflicts, conflictCheckOf } from '../idempotency-conflict-error.ts';
import { LocalHandoff } from '../local-handoff.ts';
import type { InsertMessagesOptions, InsertOutcome, NewMessage } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { Message } from '../types.ts';
import type { PostgresContext } from './context.ts';
import { WORK_CHANNEL } from './context.ts';
import type { Queryable } from './open-database.ts';
import { isUnavailable } from './postgres-error.ts';
import { type MessageRow, toMessage } from './rows.ts';
import { createWriteQueue, type QueuedJob, type WriteQueue } from './write-queue.ts';

// One statement per group, so one round trip and one commit (autocommit) whatever the group size: the
// messages go in through `unnest` arrays, ON CONFLICT DO NOTHING lets the unique indexes decide
// idempotency and dedup (a concurrent insert of the same key waits for the other commit, then yields),
// and only the messages actually inserted get their deliveries. The NOTIFY is sent at commit.
// Arrays of arrays cannot go through unnest, so channels travel as JSON text. Bodies travel as one
// concatenated bytea parameter (sent in binary) sliced by offset: a bytea[] would go as hex text, doubling
// the bytes and costing ~30 % of the group's time at 1 KiB bodies.
const INSERT_GROUP = `
WITH m AS (
  INSERT INTO messages (id, tenant, event_type, event_id, channels, source_id, sub_path, headers, content_type,
    body, idempotency_key, dedup_key, created_at, trace_parent)
  SELECT id, tenant, event_type, event_id, ARRAY(SELECT jsonb_array_elements_text(channels::jsonb)), source_id,
    sub_path, headers::jsonb, content_type, substring($21::bytea FROM body_at + 1 FOR body_length),
    idempotency_key, dedup_key, created_at, trace_parent
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::int[], $11::text[], $12::text[], $13::bigint[], $22::int[], $23::text[])
    AS t(id, tenant, event_type, event_id, channels, source_id, sub_path, headers, content_type, body_at,
      idempotency_key, dedup_key, created_at, body_length, trace_parent)
  ON CONFLICT DO NOTHING
  RETURNING id
), d AS (
  INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count, max_attempts,
    next_attempt_at, lease_expires_at, lease_token, worker_id, due_at, created_at, updated_at)
  SELECT x.id, x.message_id, x.endpoint_id, x.tenant,
    CASE WHEN x.lease_expires_at IS NULL THEN 'pending' ELSE 'in_flight' END,
    CASE WHEN x.lease_expires_at IS NULL THEN 0 ELSE 1 END, x.max_attempts, x.next_attempt_at,
    x.lease_expires_at, CASE WHEN x.lease_expires_at IS NULL THEN 0 ELSE 1 END, x.worker_id,
    coalesce(x.lease_expires_at, x.next_attempt_at), x.created_at, x.created_at
  FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::int[], $19::bigint[], $20::bigint[],
    $24::bigint[], $25::text[])
    AS x(id, message_id, endpoint_id, tenant, max_attempts, next_attempt_at, created_at, lease_expires_at,
      worker_id)
  JOIN m ON m.id = x.message_id
  RETURNING status
)
SELECT coalesce((SELECT array_agg(id) FROM m), '{}') AS ids,
  (SELECT pg_notify('${WORK_CHANNEL}', '') FROM d WHERE d.status = 'pending' LIMIT 1) IS NULL AS quiet`;

const BY_IDEMPOTENCY = `SELECT * FROM messages WHERE coalesce(tenant, '') = $1 AND idempotency_key = $2`;
const BY_DEDUP = 'SELECT * FROM messages WHERE source_id = $1 AND dedup_key = $2';

/** Rejects what cannot be stored before it reaches the write queue. */
export function validateMessage(ctx: PostgresContext, input: NewMessage): void {
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

interface Prepared {
  message: Message;
  deliveries: {
    id: string;
    endpointId: string;
    maxAttempts: number;
    nextAttemptAt: number;
    /** Set when the local worker took the delivery: stored in flight, leased to it until then. */
    leaseExpiresAt: number | null;
    workerId: string | null;
  }[];
}

/** What a queued job carries: its messages, and the local worker's handoff when one is attached. */
interface JobInput {
  inputs: NewMessage[];
  handoff: LocalHandoff | null;
  /** Set for a keyed batch whose conflicts must store nothing of it (see writeGuarded). */
  sameRequest?: InsertMessagesOptions['sameRequest'];
}

function prepare(ctx: PostgresContext, input: NewMessage, handoff: LocalHandoff | null): Prepared {
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
  const deliveries = input.deliveries.map((d) => {
    const id = ctx.deps.newId('dlv');
    const dueAt = d.nextAttemptAt ?? now;
    const leased = handoff?.lease(
      message,
      { id, endpointId: d.endpointId, maxAttempts: d.maxAttempts, dueAt },
      now,
    );
    return {
      id,
      endpointId: d.endpointId,
      maxAttempts: d.maxAttempts,
      nextAttemptAt: dueAt,
      leaseExpiresAt: leased?.leaseExpiresAt ?? null,
      workerId: leased && handoff ? handoff.workerId : null,
    };
  });
  return { message, deliveries };
}

async function insertGroup(db: Queryable, group: Prepared[]): Promise<Set<string>> {
  const cols: unknown[][] = Array.from({ length: 20 }, () => []);
  const leases: (number | null)[] = [];
  const workers: (string | null)[] = [];
  const bodies: Uint8Array[] = [];
  const lengths: number[] = [];
  const traceParents: (string | null)[] = [];
  let offset = 0;
  const push = (i: number, value: unknown) => (cols[i] as unknown[]).push(value);
  for (const { message: m, deliveries } of group) {
    const row = [
      m.id,
      m.tenant,
      m.eventType,
      m.eventId,
      JSON.stringify(m.channels),
      m.sourceId,
      m.subPath,
      JSON.stringify(m.headers),
      m.contentType,
      offset,
      m.idempotencyKey,
      m.dedupKey,
      m.createdAt,
    ];
    for (const [i, value] of row.entries()) push(i, value);
    const bytes = m.body ?? new Uint8Array(0);
    bodies.push(bytes);
    lengths.push(bytes.byteLength);
    traceParents.push(m.traceParent);
    offset += bytes.byteLength;
    for (const d of deliveries) {
      push(13, d.id);
      push(14, m.id);
      push(15, d.endpointId);
      push(16, m.tenant);
      push(17, d.maxAttempts);
      push(18, d.nextAttemptAt);
      push(19, m.createdAt);
      leases.push(d.leaseExpiresAt);
      workers.push(d.workerId);
    }
  }
  const params = [...cols, Buffer.concat(bodies), lengths, traceParents, leases, workers];
  const [result] = await db.query<{ ids: string[] }>(INSERT_GROUP, params, 'hookline_insert_group');
  return new Set(result?.ids ?? []);
}

async function findExisting(db: Queryable, message: Message): Promise<Message> {
  let rows: MessageRow[] = [];
  if (message.idempotencyKey !== null) {
    rows = await db.query<MessageRow>(BY_IDEMPOTENCY, [message.tenant ?? '', message.idempotencyKey]);
  }
  if (rows.length === 0 && message.sourceId !== null && message.dedupKey !== null) {
    rows = await db.query<MessageRow>(BY_DEDUP, [message.sourceId, message.dedupKey]);
  }
  const [row] = rows;
  if (!row) throw new StoreError('conflict', `message ${message.id} clashes with an existing row`);
  return toMessage(row);
}

type Job = QueuedJob<JobInput, InsertOutcome[]>;

/** Only rows left pending need a claim: waking the dispatcher for handed-over ones would claim nothing. */
function signalIfPending(ctx: PostgresContext, prepared: Prepared[], inserted: Set<string>): void {
  const pending = (p: Prepared) => p.deliveries.some((d) => d.leaseExpiresAt === null);
  if (prepared.some((p) => pending(p) && inserted.has(p.message.id))) ctx.signalWork();
}

/** Each message as stored, or as the existing one it duplicates (read after the insert, so visible). */
async function outcomesOf(db: Queryable, prepared: Prepared[], inserted: Set<string>) {
  const outcomes: InsertOutcome[] = [];
  for (const p of prepared) {
    if (inserted.has(p.message.id)) {
      outcomes.push({ message: p.message, duplicate: false, deliveryIds: p.deliveries.map((d) => d.id) });
    } else {
      outcomes.push({ message: await findExisting(db, p.message), duplicate: true });
    }
  }
  return outcomes;
}

async function settle(ctx: PostgresContext, jobs: Job[], prepared: Prepared[][], inserted: Set<string>) {
  signalIfPending(ctx, prepared.flat(), inserted);
  await Promise.all(
    jobs.map(async (job, i) => {
      try {
        job.resolve(await outcomesOf(ctx.db, prepared[i] ?? [], inserted));
      } catch (error) {
        job.reject(error);
      }
    }),
  );
}

/**
 * A keyed batch whose conflicts must store nothing: its own transaction, since the group statement
 * autocommits and a duplicate is only known once it ran. Under READ COMMITTED the insert waits for a
 * concurrent holder of a key to commit or roll back, and the lookup that follows sees its row, so the
 * check is race-free across processes. Rows go in key order so two such batches lock keys in one order
 * and cannot deadlock each other. Only keyed batches pay the extra round trips (BEGIN, lookups, COMMIT).
 */
async function writeGuarded(ctx: PostgresContext, job: Job, prepared: Prepared[]): Promise<void> {
  const sameRequest = job.input.sameRequest;
  try {
    const outcomes = await ctx.db.transaction(async (tx) => {
      const inserted = await insertGroup(tx, [...prepared].sort(byKey));
      const outcomes = await outcomesOf(tx, prepared, inserted);
      if (sameRequest) assertNoConflicts(job.input.inputs, outcomes, sameRequest);
      return outcomes;
    });
    signalIfPending(ctx, prepared, new Set(outcomes.flatMap((o) => (o.duplicate ? [] : [o.message.id]))));
    job.resolve(outcomes);
  } catch (error) {
    job.reject(error);
  }
}

function byKey(a: Prepared, b: Prepared): number {
  const key = (p: Prepared) => `${p.message.tenant ?? ''}\u0000${p.message.idempotencyKey ?? ''}`;
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The group-commit writer: `enqueue(inputs)` stores `inputs` all or nothing (duplicates reported as such)
 * in the next group. When a group's statement fails for a reason other than the database being
 * unreachable, each job is retried alone so only the faulty caller sees the error. Jobs that carry
 * `sameRequest` (keyed batches) are written one by one in transactions of their own (writeGuarded).
 */
export function createMessageWriter(
  ctx: PostgresContext,
  options: { maxRowsPerCommit: number; concurrency: number },
): WriteQueue<JobInput, InsertOutcome[]> {
  return createWriteQueue<JobInput, InsertOutcome[]>({
    ...options,
    async flush(all) {
      const plain = all.filter((job) => job.input.sameRequest === undefined);
      if (plain.length > 0) {
        try {
          await writeGroup(ctx, plain);
        } catch (error) {
          for (const job of plain) job.reject(error);
        }
      }
      // After the group, so keyless and single publishes never wait for a keyed batch's transaction.
      for (const job of all) {
        if (job.input.sameRequest === undefined) continue;
        await writeGuarded(
          ctx,
          job,
          job.input.inputs.map((input) => prepare(ctx, input, job.input.handoff)),
        );
      }
    },
  });
}

async function writeGroup(ctx: PostgresContext, jobs: Job[]): Promise<void> {
  const prepared = jobs.map((job) => job.input.inputs.map((input) => prepare(ctx, input, job.input.handoff)));
  try {
    const inserted = await insertGroup(ctx.db, prepared.flat());
    await settle(ctx, jobs, prepared, inserted);
  } catch (error) {
    if (jobs.length === 1 || isUnavailable(error)) throw error;
    await Promise.all(
      jobs.map(async (job, i) => {
        try {
          const alone = prepared[i] ?? [];
          await settle(ctx, [job], [alone], await insertGroup(ctx.db, alone));
        } catch (inner) {
          job.reject(inner);
        }
      }),
    );
  }
}

/** Validates, then queues `inputs` for the next group commit. */
export function insertMessages(
  ctx: PostgresContext,
  writer: WriteQueue<JobInput, InsertOutcome[]>,
  inputs: NewMessage[],
  options?: InsertMessagesOptions,
): Promise<InsertOutcome[]> {
  try {
    for (const input of inputs) validateMessage(ctx, input);
  } catch (error) {
    return Promise.reject(error);
  }
  if (inputs.length === 0) return Promise.resolve([]);
  // Weight: rows, plus one per 8 KiB of body, so a group's concatenated bodies stay in the tens of MiB.
  const rows = inputs.reduce(
    (sum, input) => sum + 1 + input.deliveries.length + Math.floor(input.body.byteLength / 8192),
    0,
  );
  // Leases are taken when the group is written, by the worker attached now; handed over once the commit
  // is done, and cancelled for messages not stored (duplicates, a failed commit).
  const handoff = ctx.localWorker ? new LocalHandoff(ctx.localWorker) : null;
  const sameRequest = conflictCheckOf(inputs, options);
  const stored = writer.enqueue(sameRequest ? { inputs, handoff, sameRequest } : { inputs, handoff }, rows);
  if (!handoff) return stored;
  return stored.then(
    (outcomes) => {
      const ids = new Set(outcomes.filter((o) => !o.duplicate).map((o) => o.message.id));
      handoff.settle((id) => ids.has(id));
      return outcomes;
    },
    (error: unknown) => {
      handoff.cancelAll();
      throw error;
    },
  );
}
