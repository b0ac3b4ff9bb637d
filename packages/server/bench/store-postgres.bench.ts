// The PostgreSQL store under load, each part in its own throwaway database, against baselines measured in
// the same run: a naive one-transaction-per-message writer on the same pool size, and graphile-worker's
// queue (addJob, and its worker completing no-op jobs). Prints one JSON object as the last stdout line.
// Skipped, with the reason, when PostgreSQL does not answer at HOOKLINE_TEST_PG_URL (or the local default).
// Usage: HOOKLINE_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/postgres node packages/server/bench/store-postgres.bench.ts
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { makeWorkerUtils, run } from 'graphile-worker';
import pg from 'pg';
import { createIdGenerator } from '../src/ids.ts';
import { createPostgresStore } from '../src/store/postgres/create-postgres-store.ts';
import { createTestDatabase, type TestDatabase } from '../src/store/postgres/test-database.ts';
import type { NewMessage, Store } from '../src/store/store.ts';
import { BENCH_PG_URL, postgresUnreachable } from './bench-support.ts';

const CALLERS = 64;
const POOL = 8;
const INSERTS = 16_000;
const NAIVE_INSERTS = 4_000;
const GRAPHILE_JOBS = 4_000;
const GRAPHILE_BACKLOG = 30_000;
const MILLION = 1_000_000;
const ENDPOINTS = ['ep_1', 'ep_2', 'ep_3'];
const body = randomBytes(1024);

const log = (line: string) => process.stderr.write(`store-postgres: ${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

function message(): NewMessage {
  return {
    eventType: 'invoice.paid',
    contentType: 'application/json',
    body,
    deliveries: ENDPOINTS.map((endpointId) => ({ endpointId, maxAttempts: 5 })),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** `callers` loops sharing `total` calls of `fn`; returns calls per second. */
async function closedLoop(total: number, callers: number, fn: () => Promise<unknown>): Promise<number> {
  let issued = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (issued < total) {
        issued++;
        await fn();
      }
    }),
  );
  return total / ((performance.now() - start) / 1000);
}

async function withDatabase<T>(fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const db = await createTestDatabase(BENCH_PG_URL, 'bench');
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

function openStore(url: string): Store {
  return createPostgresStore({
    connectionString: url,
    deps: { clock: Date.now, newId: createIdGenerator() },
    poolSize: POOL,
  });
}

async function ourInserts(): Promise<{ insertsPerSecond: number; claimCompletePerSecond: number }> {
  return withDatabase(async (db) => {
    const store = openStore(db.url);
    await store.migrate();
    await closedLoop(2_000, CALLERS, () => store.insertMessage(message())); // warm-up
    const insertsPerSecond = await closedLoop(INSERTS, CALLERS, () => store.insertMessage(message()));
    log(`grouped inserts: ${round(insertsPerSecond)} messages/s`);
    // Claim + complete everything just inserted: 4 workers, batches of 256, results batched per claim.
    const before = (await store.queueDepth(Date.now())).due;
    const start = performance.now();
    let done = 0;
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (;;) {
          const claims = await store.claimDeliveries({ workerId: `w${w}`, limit: 256, leaseMs: 60_000 });
          if (claims.length === 0) return;
          await store.completeAttempts(
            claims.map(({ delivery, leaseToken }) => ({
              deliveryId: delivery.id,
              leaseToken,
              outcome: { kind: 'succeeded' },
              endpoint: { effect: 'success' },
              attempt: {
                deliveryId: delivery.id,
                messageId: delivery.messageId,
                endpointId: delivery.endpointId,
                attemptNumber: delivery.attemptCount,
                trigger: 'scheduled',
                url: 'https://example.com/hook',
                requestHeaders: { 'content-type': 'application/json' },
                responseStatus: 200,
                responseHeaders: {},
                responseBody: 'ok',
                durationMs: 3,
                errorKind: 'none',
                errorMessage: null,
              },
            })),
          );
          done += claims.length;
        }
      }),
    );
    const claimCompletePerSecond = done / ((performance.now() - start) / 1000);
    log(`claim+complete: ${done} of ${before} deliveries, ${round(claimCompletePerSecond)} deliveries/s`);
    await store.close();
    return { insertsPerSecond, claimCompletePerSecond };
  });
}

/** Open loop at `rate` messages/s for `seconds`: the commit latency a caller sees below saturation. */
async function latencyAt(
  rate: number,
  seconds: number,
): Promise<{ p50Ms: number; p99Ms: number; achieved: number }> {
  return withDatabase(async (db) => {
    const store = openStore(db.url);
    await store.migrate();
    await closedLoop(1_000, CALLERS, () => store.insertMessage(message()));
    const latencies: number[] = [];
    const pending: Promise<unknown>[] = [];
    const tickMs = 5;
    const start = performance.now();
    let sent = 0;
    while (performance.now() - start < seconds * 1000) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      for (; sent < due; sent++) {
        const t0 = performance.now();
        pending.push(store.insertMessage(message()).then(() => latencies.push(performance.now() - t0)));
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - start) / 1000;
    await store.close();
    latencies.sort((a, b) => a - b);
    return {
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      achieved: round(sent / elapsed),
    };
  });
}

/** The naive writer: one transaction (BEGIN, message, deliveries, COMMIT) per message, same pool size. */
async function naiveInserts(): Promise<number> {
  return withDatabase(async (db) => {
    const store = openStore(db.url);
    await store.migrate();
    await store.close();
    const pool = new pg.Pool({ connectionString: db.url, max: POOL });
    pool.on('error', (error) => log(`naive pool: ${error.message}`));
    const newId = createIdGenerator();
    const one = async () => {
      const client = await pool.connect();
      try {
        const id = newId('msg');
        const now = Date.now();
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO messages (id, event_type, content_type, body, created_at) VALUES ($1, 'invoice.paid', 'application/json', $2, $3)`,
          [id, body, now],
        );
        await client.query(
          `INSERT INTO deliveries (id, message_id, endpoint_id, status, max_attempts, next_attempt_at, due_at, created_at, updated_at)
           SELECT d, $1, e, 'pending', 5, $2, $2, $2, $2 FROM unnest($3::text[], $4::text[]) AS x(d, e)`,
          [id, now, ENDPOINTS.map(() => newId('dlv')), ENDPOINTS],
        );
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await closedLoop(500, CALLERS, one);
    const perSecond = await closedLoop(NAIVE_INSERTS, CALLERS, one);
    await pool.end();
    log(`naive per-message transactions: ${round(perSecond)} messages/s`);
    return perSecond;
  });
}

/**
 * First-page latency of the list queries over 1,000,000 messages (and as many deliveries). The rows are
 * generated in SQL into unlogged tables with the secondary indexes dropped and rebuilt after, which loads
 * several times faster than inserting through them; the indexes are the migration's own (read back from
 * the catalog), so the plans are the production ones.
 */
async function millionList(): Promise<Record<string, number>> {
  return withDatabase(async (db) => {
    const store = openStore(db.url);
    await store.migrate();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const t0 = performance.now();
    const { rows: indexes } = await client.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes
       WHERE tablename IN ('messages', 'deliveries') AND indexname NOT LIKE '%_pkey'
         AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
    );
    for (const index of indexes) await client.query(`DROP INDEX ${index.name}`);
    // Reads are what is measured here, so the throwaway tables skip the WAL while loading.
    await client.query('ALTER TABLE deliveries SET UNLOGGED');
    await client.query('ALTER TABLE messages SET UNLOGGED');
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query(`INSERT INTO messages (id, tenant, event_type, channels, content_type, body, created_at)
      SELECT 'msg_' || lpad(i::text, 26, '0'), 'tenant_' || (i % 100), 'event.' || (i % 20), ARRAY['ch' || (i % 5)],
        'application/json', '\\x7b7d'::bytea, 1700000000000 + i
      FROM generate_series(1, ${MILLION}) i`);
    await client.query(`INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, max_attempts, attempt_count,
        created_at, updated_at, completed_at)
      SELECT 'dlv_' || lpad(i::text, 26, '0'), 'msg_' || lpad(i::text, 26, '0'), 'ep_' || (i % 10), 'tenant_' || (i % 100),
        CASE WHEN i % 50 = 0 THEN 'exhausted' ELSE 'succeeded' END, 5, 1, 1700000000000 + i, 1700000000000 + i,
        1700000000000 + i
      FROM generate_series(1, ${MILLION}) i`);
    for (const index of indexes) await client.query(index.def);
    await client.query('ANALYZE messages, deliveries');
    log(`loaded ${MILLION} messages and deliveries in ${round((performance.now() - t0) / 1000, 1)} s`);
    await client.end();
    const queries: Record<string, () => Promise<unknown>> = {
      messages: () => store.listMessages({}),
      messagesByTenant: () => store.listMessages({ tenant: 'tenant_7' }),
      messagesByEventType: () => store.listMessages({ eventType: 'event.3' }),
      messagesByEndpoint: () => store.listMessages({ endpointId: 'ep_4' }),
      messagesByChannel: () => store.listMessages({ channel: 'ch2' }),
      messagesInTimeRange: () => store.listMessages({ since: 1700000500000, until: 1700000600000 }),
      deliveriesExhausted: () => store.listDeliveries({ status: 'exhausted' }),
      deliveriesByEndpoint: () => store.listDeliveries({ endpointId: 'ep_3' }),
    };
    const out: Record<string, number> = {};
    for (const [name, query] of Object.entries(queries)) {
      await query();
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await query();
        samples.push(performance.now() - start);
      }
      out[name] = round(samples.sort((a, b) => a - b)[2] ?? 0, 2);
    }
    await store.close();
    log(`first page of 50 over ${MILLION} messages (median ms): ${JSON.stringify(out)}`);
    return out;
  });
}

/** graphile-worker on the same server: addJob from 64 callers, then its worker pool completing no-ops. */
async function graphile(): Promise<{ addJobPerSecond: number; completePerSecond: number }> {
  return withDatabase(async (db) => {
    // Our own pool for both, so it is ended (and its idle clients closed) before the database is dropped.
    const pgPool = new pg.Pool({ connectionString: db.url, max: POOL });
    pgPool.on('error', () => {});
    pgPool.on('connect', (client) => client.on('error', () => {}));
    const utils = await makeWorkerUtils({ pgPool, logger: quietLogger() });
    await utils.migrate();
    await closedLoop(200, CALLERS, () => utils.addJob('noop', { n: 1 }));
    const addJobPerSecond = await closedLoop(GRAPHILE_JOBS, CALLERS, () =>
      utils.addJob('noop', { body: 'x'.repeat(64) }),
    );
    log(`graphile-worker addJob: ${round(addJobPerSecond)} jobs/s`);
    // Its worker gets as large a backlog as ours had, queued in bulk (addJobs) so the set-up stays short.
    for (let i = 0; i < GRAPHILE_BACKLOG; i += 5_000) {
      await utils.addJobs(
        Array.from({ length: 5_000 }, () => ({ identifier: 'noop', payload: { body: 'x'.repeat(64) } })),
      );
    }
    const total = GRAPHILE_JOBS + 200 + GRAPHILE_BACKLOG;
    let completed = 0;
    let finish: () => void = () => {};
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const start = performance.now();
    const runner = await run({
      pgPool,
      concurrency: 32,
      noHandleSignals: true,
      pollInterval: 100,
      taskList: {
        noop: async () => {
          completed++;
          if (completed === total) finish();
        },
      },
      // Its batching options: a local queue of prefetched jobs and batched completions, as fast as it goes.
      preset: { worker: { localQueue: { size: 256 }, completeJobBatchDelay: 0 } },
      logger: quietLogger(),
    });
    await allDone;
    const completePerSecond = total / ((performance.now() - start) / 1000);
    await runner.stop();
    await utils.release();
    await pgPool.end();
    log(`graphile-worker complete: ${round(completePerSecond)} jobs/s`);
    return { addJobPerSecond, completePerSecond };
  });
}

function quietLogger() {
  // graphile-worker logs every job at info; the bench's stdout must end with our JSON, so keep it silent.
  return new (class {
    scope() {
      return this;
    }
    error() {}
    warn() {}
    info() {}
    debug() {}
  })() as unknown as NonNullable<Parameters<typeof run>[0]['logger']>;
}

const unreachable = await postgresUnreachable(BENCH_PG_URL);
if (unreachable !== null) {
  process.stdout.write(`${JSON.stringify({ benchmark: 'store-postgres', skipped: unreachable })}\n`);
  process.exit(0);
}
const started = performance.now();
const lap = (what: string) => log(`${what} done at ${round((performance.now() - started) / 1000, 1)} s`);
const ours = await ourInserts();
lap('grouped inserts and claim+complete');
const naive = await naiveInserts();
lap('naive inserts');
const latency = await latencyAt(Math.round(ours.insertsPerSecond / 2), 3);
log(`latency at ${latency.achieved} messages/s: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
const gw = await graphile();
lap('graphile-worker');
const firstPageMs = await millionList();
lap('million-row lists');
const result = {
  benchmark: 'store-postgres',
  callers: CALLERS,
  poolSize: POOL,
  insert: {
    messagesPerSecond: round(ours.insertsPerSecond),
    deliveriesPerMessage: ENDPOINTS.length,
    bodyBytes: body.length,
    target: 5_000,
    naivePerMessageTransactionPerSecond: round(naive),
    ratioVsNaive: round(ours.insertsPerSecond / naive, 2),
    graphileAddJobPerSecond: round(gw.addJobPerSecond),
    ratioVsGraphileAddJob: round(ours.insertsPerSecond / gw.addJobPerSecond, 2),
  },
  claimComplete: {
    deliveriesPerSecond: round(ours.claimCompletePerSecond),
    target: 8_000,
    graphileCompletePerSecond: round(gw.completePerSecond),
    ratioVsGraphile: round(ours.claimCompletePerSecond / gw.completePerSecond, 2),
  },
  latencyAtHalfPeak: latency,
  firstPageOfMillionMs: { ...firstPageMs, target: 200 },
  seconds: round((performance.now() - started) / 1000, 1),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
