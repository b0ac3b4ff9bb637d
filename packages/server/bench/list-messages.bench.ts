// The dashboard's message list with 1,000,000 stored messages (issue #7: first page in <= 200 ms server
// time). Measures GET /v1/messages through the real app (`app.inject`: routing, auth, validation, store,
// serialisation) for the first page unfiltered and filtered (event type, source, endpoint, tenant, time
// range, common and rare values) and the next page by cursor: p50/p99 over 50 runs each, against a bare
// `SELECT * FROM messages ORDER BY id DESC LIMIT 50` measured in the same run.
// The seeded store is kept under .tmp/bench/ (gitignored) and reused while its row count matches; the
// PostgreSQL one (when HOOKLINE_TEST_PG_URL is set) is a kept database, `hookline_bench_list_<n>`.
// Prints one JSON object as the last stdout line; progress on stderr.
// Usage: node packages/server/bench/list-messages.bench.ts   (HOOKLINE_BENCH_LIST_N=… for another size)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { mintApiKey } from '../src/auth/api-key-token.ts';
import { defaultConfig } from '../src/config.ts';
import { maxAttempts } from '../src/delivery/retry-policy.ts';
import { createRouter } from '../src/delivery/router.ts';
import { createSsrfPolicy } from '../src/delivery/ssrf-guard.ts';
import { createIdGenerator } from '../src/ids.ts';
import { createPostgresStore } from '../src/store/postgres/create-postgres-store.ts';
import { createSqliteStore } from '../src/store/sqlite/create-sqlite-store.ts';
import type { Store } from '../src/store/store.ts';

const N = Number(process.env.HOOKLINE_BENCH_LIST_N ?? 1_000_000);
const RUNS = 50;
const BUDGET_MS = 200;
const BASE = Date.parse('2026-01-01T00:00:00.000Z');
const SPAN_MS = 30 * 86_400_000; // a month of traffic
const DAY = 86_400_000;
const SEED_MARK = `list-messages-v1:${N}`;
const root = join(import.meta.dirname, '..', '..', '..');
const log = (line: string) => process.stderr.write(`list-messages: ${line}\n`);
const round = (n: number, digits = 2) => Number(n.toFixed(digits));

// The shape of the seeded traffic, shared by both engines. Message i (0-based):
//   event type: 20 common types in turn; 1 in 1,000 is the rare `invoice.disputed`
//   source: every third message arrived on one of 5 sources; tenant: t0…t9 in turn
//   deliveries: one to ep_(i % 10); 1 in 1,000 also to the rare `ep_RARE`; 1 % exhausted, 1 % failed,
//   1 % pending, the rest succeeded
const eventTypeOf = (i: number) => (i % 1000 === 7 ? 'invoice.disputed' : `event.${i % 20}`);
const sourceOf = (i: number) => (i % 3 === 0 ? `src_${(i / 3) % 5}` : null);
const statusOf = (i: number) =>
  i % 100 === 0 ? 'exhausted' : i % 100 === 1 ? 'failed' : i % 100 === 2 ? 'pending' : 'succeeded';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function sample(fn: () => Promise<unknown> | unknown): Promise<{ p50Ms: number; p99Ms: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  return { p50Ms: round(percentile(runs, 50)), p99Ms: round(percentile(runs, 99)) };
}

/** Bulk load with plain prepared statements in large transactions (no group commit, no fsync). */
function seedSqlite(path: string): void {
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
  // A seed interrupted earlier left no mark: start over.
  db.exec('DELETE FROM attempts; DELETE FROM deliveries; DELETE FROM messages');
  const at = { now: BASE };
  const newId = createIdGenerator(() => at.now);
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, tenant, event_type, channels, source_id, headers, content_type, body, created_at)
     VALUES (?, ?, ?, '[]', ?, '{}', 'application/json', ?, ?)`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count, max_attempts,
       next_attempt_at, created_at, updated_at, completed_at)
     VALUES (?, ?, ?, ?, ?, 1, 10, ?, ?, ?, ?)`,
  );
  const body = Buffer.from('{"id":"evt_0123456789","amount":4200,"currency":"eur","customer":"cus_42"}');
  const start = performance.now();
  const batch = 50_000;
  for (let from = 0; from < N; from += batch) {
    db.exec('BEGIN');
    for (let i = from; i < Math.min(N, from + batch); i++) {
      at.now = BASE + Math.floor((i * SPAN_MS) / N);
      const id = newId('msg');
      const tenant = `t${i % 10}`;
      insertMessage.run(id, tenant, eventTypeOf(i), sourceOf(i), body, at.now);
      const status = statusOf(i);
      const finished = status === 'succeeded' || status === 'exhausted';
      const endpoints = i % 1000 === 3 ? [`ep_${i % 10}`, 'ep_RARE'] : [`ep_${i % 10}`];
      for (const endpointId of endpoints) {
        insertDelivery.run(
          newId('dlv'),
          id,
          endpointId,
          tenant,
          status,
          finished ? null : at.now + 60_000,
          at.now,
          at.now,
          finished ? at.now : null,
        );
      }
    }
    db.exec('COMMIT');
    if ((from / batch) % 4 === 0) log(`sqlite: seeded ${Math.min(N, from + batch)} messages`);
  }
  db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('bench_seed', SEED_MARK);
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  log(`sqlite: seeded ${N} messages in ${round((performance.now() - start) / 1000, 1)} s`);
}

async function seedPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const start = performance.now();
  // Ids here are zero-padded counters after the prefix: they sort like real ids (by creation time).
  const msgId = (expr: string) => `'msg_' || lpad((${expr})::text, 26, '0')`;
  await client.query(`INSERT INTO messages (id, tenant, event_type, channels, source_id, headers, content_type, body, created_at)
    SELECT ${msgId('i')}, 't' || (i % 10),
      CASE WHEN i % 1000 = 7 THEN 'invoice.disputed' ELSE 'event.' || (i % 20) END, '{}',
      CASE WHEN i % 3 = 0 THEN 'src_' || ((i / 3) % 5) END, '{}', 'application/json',
      convert_to('{"id":"evt_0123456789","amount":4200,"currency":"eur","customer":"cus_42"}', 'UTF8'),
      ${BASE} + (i::bigint * ${SPAN_MS}) / ${N}
    FROM generate_series(0, ${N - 1}) i`);
  const status = `CASE WHEN i % 100 = 0 THEN 'exhausted' WHEN i % 100 = 1 THEN 'failed' WHEN i % 100 = 2 THEN 'pending' ELSE 'succeeded' END`;
  const created = `${BASE} + (i::bigint * ${SPAN_MS}) / ${N}`;
  const open = `i % 100 IN (1, 2)`;
  await client.query(`INSERT INTO deliveries (id, message_id, endpoint_id, tenant, status, attempt_count, max_attempts,
      next_attempt_at, due_at, created_at, updated_at, completed_at)
    SELECT 'dlv_' || lpad(i::text, 26, '0') || 'a', ${msgId('i')}, 'ep_' || (i % 10), 't' || (i % 10), ${status}, 1, 10,
      CASE WHEN ${open} THEN ${created} + 60000 END, CASE WHEN ${open} THEN ${created} + 60000 END,
      ${created}, ${created}, CASE WHEN ${open} THEN NULL ELSE ${created} END
    FROM generate_series(0, ${N - 1}) i
    UNION ALL
    SELECT 'dlv_' || lpad(i::text, 26, '0') || 'b', ${msgId('i')}, 'ep_RARE', 't' || (i % 10), ${status}, 1, 10,
      CASE WHEN ${open} THEN ${created} + 60000 END, CASE WHEN ${open} THEN ${created} + 60000 END,
      ${created}, ${created}, CASE WHEN ${open} THEN NULL ELSE ${created} END
    FROM generate_series(0, ${N - 1}) i WHERE i % 1000 = 3`);
  await client.query(
    'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2',
    ['bench_seed', SEED_MARK],
  );
  await client.query('VACUUM ANALYZE messages');
  await client.query('VACUUM ANALYZE deliveries');
  await client.end();
  log(`postgres: seeded ${N} messages in ${round((performance.now() - start) / 1000, 1)} s`);
}

/** The API's first pages (and the next page) through the real app on `store`. */
async function measureApi(store: Store, idOf: (i: number) => Promise<string>) {
  const now = BASE + SPAN_MS;
  const app = await buildApp({
    store,
    config: defaultConfig(),
    clock: () => now,
    router: createRouter(store, { clock: () => now }),
    maxAttempts: (endpoint) => maxAttempts(endpoint),
    ssrfPolicy: createSsrfPolicy({}),
  });
  const minted = mintApiKey();
  if ((await store.getApiKeyByHash(minted.hash)) === null) {
    await store.createApiKey({
      name: 'bench',
      hash: minted.hash,
      prefix: minted.prefix,
      scopes: ['admin'],
      tenant: null,
    });
  }
  const headers = { authorization: `Bearer ${minted.key}` };
  const get = async (query: string) => {
    const response = await app.inject({ method: 'GET', url: `/v1/messages?limit=50${query}`, headers });
    if (response.statusCode !== 200) throw new Error(`${query}: ${response.statusCode} ${response.body}`);
    return response.json() as { data: { id: string }[]; nextCursor: string | null };
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const first = await get('');
  const middle = Buffer.from(JSON.stringify([1, await idOf(Math.floor(N / 2))])).toString('base64url');
  const queries: Record<string, string> = {
    firstPage: '',
    nextPage: `&cursor=${first.nextCursor}`,
    pageFromTheMiddle: `&cursor=${middle}`,
    byEventType: '&eventType=event.3',
    byRareEventType: '&eventType=invoice.disputed',
    bySource: '&sourceId=src_2',
    byEndpoint: '&endpointId=ep_4',
    byRareEndpoint: '&endpointId=ep_RARE',
    byTenant: '&tenant=t7',
    lastHour: `&since=${iso(now - 3_600_000)}`,
    oneHourTenDaysAgo: `&since=${iso(now - 10 * DAY)}&until=${iso(now - 10 * DAY + 3_600_000)}`,
    twoWeeksEndingTenDaysAgo: `&since=${iso(now - 24 * DAY)}&until=${iso(now - 10 * DAY)}`,
  };
  const out: Record<string, { p50Ms: number; p99Ms: number; rows: number; withinBudget: boolean }> = {};
  for (const [name, query] of Object.entries(queries)) {
    const rows = (await get(query)).data.length;
    const timing = await sample(() => get(query));
    out[name] = { ...timing, rows, withinBudget: timing.p99Ms <= BUDGET_MS };
    log(`${store.engine} ${name}: p50 ${timing.p50Ms} ms, p99 ${timing.p99Ms} ms (${rows} rows)`);
  }
  await app.close();
  return out;
}

function summarise(
  api: Record<string, { p50Ms: number; p99Ms: number }>,
  baseline: { p50Ms: number; p99Ms: number },
) {
  const worst = Object.entries(api).sort((a, b) => b[1].p99Ms - a[1].p99Ms)[0];
  return {
    worstP99: worst ? { query: worst[0], p99Ms: worst[1].p99Ms } : null,
    allWithinBudget: Object.values(api).every((q) => q.p99Ms <= BUDGET_MS),
    firstPageP50ToBaselineP50: round((api.firstPage?.p50Ms ?? 0) / Math.max(baseline.p50Ms, 0.001), 1),
  };
}

async function sqlite() {
  const dir = join(root, '.tmp', 'bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `list-messages-${N}.db`);
  const store = createSqliteStore({ path, deps: { clock: Date.now, newId: createIdGenerator() } });
  await store.migrate();
  const seeded = (await store.getMeta('bench_seed')) === SEED_MARK;
  await store.close();
  if (!seeded) seedSqlite(path);
  else log(`sqlite: reusing ${path}`);
  const raw = new DatabaseSync(path, { readOnly: true });
  const bare = raw.prepare('SELECT * FROM messages ORDER BY id DESC LIMIT 50');
  const baseline = await sample(() => bare.all());
  const idAt = raw.prepare('SELECT id FROM messages ORDER BY id LIMIT 1 OFFSET ?');
  const reopened = createSqliteStore({ path, deps: { clock: Date.now, newId: createIdGenerator() } });
  const api = await measureApi(reopened, async (i) => String(idAt.get(i)?.id));
  await reopened.close();
  raw.close();
  return { reusedSeed: seeded, baselineBareSelect: baseline, api, ...summarise(api, baseline) };
}

async function postgres(admin: string) {
  const name = `hookline_bench_list_${N}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const store = createPostgresStore({
    connectionString: url.toString(),
    deps: { clock: Date.now, newId: createIdGenerator() },
  });
  await store.migrate();
  const seeded = (await store.getMeta('bench_seed')) === SEED_MARK;
  if (!seeded) {
    const wipe = new pg.Client({ connectionString: url.toString() });
    await wipe.connect();
    await wipe.query('TRUNCATE messages, deliveries, attempts');
    await wipe.end();
    await seedPostgres(url.toString());
  } else {
    log(`postgres: reusing database ${name}`);
  }
  const raw = new pg.Client({ connectionString: url.toString() });
  await raw.connect();
  const baseline = await sample(() => raw.query('SELECT * FROM messages ORDER BY id DESC LIMIT 50'));
  const api = await measureApi(store, async (i) => {
    const { rows } = await raw.query<{ id: string }>(
      'SELECT id FROM messages ORDER BY id LIMIT 1 OFFSET $1',
      [i],
    );
    return rows[0]?.id ?? '';
  });
  await raw.end();
  await store.close();
  return { reusedSeed: seeded, baselineBareSelect: baseline, api, ...summarise(api, baseline) };
}

const result: Record<string, unknown> = {
  messages: N,
  runsPerQuery: RUNS,
  budgetMs: BUDGET_MS,
  timing: 'app.inject',
};
result.sqlite = await sqlite();
const pgUrl = process.env.HOOKLINE_TEST_PG_URL;
result.postgres = pgUrl ? await postgres(pgUrl) : { skipped: 'HOOKLINE_TEST_PG_URL is not set' };
process.stdout.write(`${JSON.stringify(result)}\n`);
