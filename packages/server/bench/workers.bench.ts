// Delivery throughput on PostgreSQL with 1, 2 and 4 worker processes (issue #8), and what each delivery
// costs the database. Per run: a fresh database, one `--role api` process (the load generator here
// publishes through it in batches), N `--role worker` processes of the real server, a keep-alive
// receiver in a child process, 3 endpoints per message; a warm-up, then the same message count for
// every N, timed from the first publish to the last delivery seen by the receiver. Runs alternate the
// worker counts (1,2,4 / 4,2,1 / 2,4,1 ...) and the figures are medians, because this machine (2 cores)
// is shared with PostgreSQL, the receiver, the publisher and other work.
//
// Database cost: pg_stat_statements needs shared_preload_libraries (a server restart), so the cost comes
// from the cumulative statistics of the run's database instead: pg_stat_database (transactions, rows
// returned/fetched/inserted/updated/deleted) and pg_stat_user_tables (per-table scans and row changes).
// Backends publish their counters lazily: an idle one that flushed less than 1 s ago waits 10 s
// (PGSTAT_IDLE_INTERVAL), and one that exits flushes at once. So the "before" snapshot is read after an
// 11 s pause once the warm-up is delivered, and the "after" one once every Hookline process has exited.
// Usage: npm run bench -- workers   (BENCH_WORKERS_ROUNDS=n for more alternations; default 3)
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Pool, request } from 'undici';
import { createTestDatabase } from '../src/store/postgres/test-database.ts';
import { type HooklineProcess, killAll, startHookline } from '../src/test-support/hookline-process.ts';
import { BENCH_PG_URL, cpuMicros, median, postgresUnreachable } from './bench-support.ts';

const ENDPOINTS = 3;
const WORKER_COUNTS = [1, 2, 4];
const ROUNDS = Number(process.env.BENCH_WORKERS_ROUNDS ?? 3);
const WARM_UP_MESSAGES = 500;
const MESSAGES = 4_000;
const BATCH = 100;
const SENDERS = 2;
const PHASE_DEADLINE_MS = 60_000;
/** Longer than PostgreSQL's PGSTAT_IDLE_INTERVAL (10 s): every idle backend has flushed its counters. */
const STATS_SETTLE_MS = 11_000;
const ADMIN_KEY = 'hk_bench_workers_admin_key_0123456789';
const PAYLOAD = {
  customer: 'cus_0123456789',
  amount: 4200,
  currency: 'eur',
  items: [{ sku: 'a-1', qty: 2 }],
};
const log = (text: string) => process.stderr.write(`workers bench: ${text}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---- the receiver (a child process) ------------------------------------------------------------------
function serveReceiver(): void {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/_count') return void res.end(String(count));
      count += 1;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
  });
}

async function startReceiver(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [import.meta.filename, 'receiver'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout as NonNullable<typeof child.stdout>, 'data')) as [Buffer];
  return { child, url: chunk.toString().trim() };
}

async function receivedCount(receiver: string): Promise<number> {
  const response = await request(`${receiver}/_count`);
  return Number(await response.body.text());
}

// ---- database statistics ------------------------------------------------------------------------------
const DATABASE_COUNTERS = [
  'xact_commit',
  'xact_rollback',
  'tup_returned',
  'tup_fetched',
  'tup_inserted',
  'tup_updated',
  'tup_deleted',
  'blks_hit',
  'blks_read',
] as const;
const TABLE_COUNTERS = [
  'seq_scan',
  'seq_tup_read',
  'idx_scan',
  'idx_tup_fetch',
  'n_tup_ins',
  'n_tup_upd',
  'n_tup_hot_upd',
  'n_tup_del',
] as const;
const TABLES = ['deliveries', 'attempts', 'messages', 'endpoints'];

type Counters = Record<string, number>;

async function readStats(
  url: string,
  database: string,
): Promise<{ database: Counters; tables: Record<string, Counters> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const db = await client.query(
      `SELECT ${DATABASE_COUNTERS.join(', ')} FROM pg_stat_database WHERE datname = $1`,
      [database],
    );
    const tables = await client.query(
      `SELECT relname, ${TABLE_COUNTERS.map((c) => `coalesce(${c}, 0) AS ${c}`).join(', ')} FROM pg_stat_user_tables WHERE relname = ANY($1)`,
      [TABLES],
    );
    const numbers = (row: Record<string, unknown>, keys: readonly string[]) =>
      Object.fromEntries(keys.map((key) => [key, Number(row[key] ?? 0)]));
    return {
      database: numbers(db.rows[0] ?? {}, DATABASE_COUNTERS),
      tables: Object.fromEntries(
        tables.rows.map((row) => [row.relname as string, numbers(row, TABLE_COUNTERS)]),
      ),
    };
  } finally {
    await client.end();
  }
}

function perDelivery(before: Counters, after: Counters, deliveries: number): Counters {
  return Object.fromEntries(
    Object.keys(after).map((key) => [key, round(((after[key] ?? 0) - (before[key] ?? 0)) / deliveries, 3)]),
  );
}

// ---- one run --------------------------------------------------------------------------------------------
async function withDatabase<T>(fn: (url: string, name: string) => Promise<T>): Promise<T> {
  const database = await createTestDatabase(BENCH_PG_URL, 'bench_workers');
  try {
    return await fn(database.url, database.name);
  } finally {
    await database.drop();
  }
}

/** CPU time (user + system) of each process in ms, from /proc; null when any cannot be read. */
function processCpuMs(processes: HooklineProcess[]): number[] | null {
  const micros = processes.map((p) => cpuMicros(p.pid));
  return micros.every((m) => m !== null) ? micros.map((m) => m / 1000) : null;
}

/** Until every backend of the database has exited (and so flushed its statistics). */
async function backendsGone(database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  try {
    await waitFor('backends to exit', async () => {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [database],
      );
      return rows[0]?.n === 0;
    });
  } finally {
    await admin.end();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + PHASE_DEADLINE_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function runOnce(workerCount: number, receiver: string) {
  return withDatabase(async (url, name) => {
    const env = (role: string, logLevel: string) => ({
      HOOKLINE_DATABASE: url,
      HOOKLINE_ROLE: role,
      HOOKLINE_PORT: '0',
      HOOKLINE_LOG_LEVEL: logLevel,
      HOOKLINE_ADMIN_API_KEY: ADMIN_KEY,
      HOOKLINE_SSRF_ALLOW_LIST: '127.0.0.1',
    });
    // The API starts first and alone, so it migrates; workers log at warn (no line per delivery).
    const processes: HooklineProcess[] = [startHookline(env('api', 'info'))];
    const apiLine = await (processes[0] as HooklineProcess).waitForLog(
      'listening',
      (l) => l.role === 'api' && typeof l.url === 'string',
    );
    for (let i = 0; i < workerCount; i++) processes.push(startHookline(env('worker', 'warn')));
    const stats = new pg.Client({ connectionString: url });
    await stats.connect();
    // A worker is up once its dispatcher holds its LISTEN session (API processes never open one).
    await waitFor('workers listening', async () => {
      const { rows } = await stats.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'hookline-listen'",
        [name],
      );
      return rows[0]?.n === workerCount;
    });
    await stats.end();

    const api = new Pool(apiLine.url as string, { connections: SENDERS });
    const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    const call = async (path: string, body: unknown) => {
      const response = await api.request({ path, method: 'POST', headers, body: JSON.stringify(body) });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${text}`);
    };
    const items = Array.from({ length: BATCH }, () => ({ eventType: 'bench.order', payload: PAYLOAD }));
    const publish = async (messages: number) => {
      let batches = Math.ceil(messages / BATCH);
      const sender = async () => {
        while (batches > 0) {
          batches -= 1;
          await call('/v1/messages/batch', { messages: items });
        }
      };
      await Promise.all(Array.from({ length: SENDERS }, sender));
    };
    try {
      for (let i = 1; i <= ENDPOINTS; i++)
        await call('/v1/endpoints', { url: `${receiver}/w${i}`, eventTypes: ['bench.*'] });
      const base = await receivedCount(receiver);
      await publish(WARM_UP_MESSAGES);
      await waitFor(
        'warm-up',
        async () => (await receivedCount(receiver)) >= base + WARM_UP_MESSAGES * ENDPOINTS,
      );
      await sleep(STATS_SETTLE_MS);
      const before = await readStats(url, name);

      const start = await receivedCount(receiver);
      const target = MESSAGES * ENDPOINTS;
      const cpuBefore = processCpuMs(processes);
      const began = performance.now();
      await publish(MESSAGES);
      await waitFor('deliveries', async () => (await receivedCount(receiver)) >= start + target);
      const seconds = (performance.now() - began) / 1000;
      const cpuAfter = processCpuMs(processes);
      // Exiting backends flush their counters; a graceful stop adds only a handful of statements.
      await api.close();
      await Promise.all(processes.map((p) => p.stop()));
      await backendsGone(name);
      const after = await readStats(url, name);

      const delivered = (await receivedCount(receiver)) - start;
      const db = perDelivery(before.database, after.database, delivered);
      const tables = Object.fromEntries(
        TABLES.map((table) => [
          table,
          perDelivery(before.tables[table] ?? {}, after.tables[table] ?? {}, delivered),
        ]),
      );
      const result = {
        workers: workerCount,
        deliveries: delivered,
        seconds: round(seconds),
        deliveriesPerSecond: Math.round(delivered / seconds),
        // CPU time of the Hookline processes per delivery (Linux /proc; null elsewhere): whether more
        // workers cost more CPU per delivery, on a machine where CPU is the limit.
        cpuMsPerDelivery:
          cpuBefore && cpuAfter
            ? {
                api: round(((cpuAfter[0] ?? 0) - (cpuBefore[0] ?? 0)) / delivered, 4),
                workers: round(
                  cpuAfter.slice(1).reduce((sum, ms, i) => sum + ms - (cpuBefore[i + 1] ?? 0), 0) / delivered,
                  4,
                ),
              }
            : null,
        perDelivery: {
          transactions: db.xact_commit ?? 0,
          rowsRead: round((db.tup_returned ?? 0) + (db.tup_fetched ?? 0), 3),
          rowsWritten: round((db.tup_inserted ?? 0) + (db.tup_updated ?? 0) + (db.tup_deleted ?? 0), 3),
          // Shared-buffer pages touched: the work behind the rows (a dead index entry costs a row read).
          bufferHits: round((db.blks_hit ?? 0) + (db.blks_read ?? 0), 3),
          database: db,
          tables,
        },
      };
      log(
        `${workerCount} worker(s): ${delivered} deliveries in ${result.seconds} s = ${result.deliveriesPerSecond}/s; per delivery ${result.perDelivery.transactions} xacts, ${result.perDelivery.rowsRead} rows read, ${result.perDelivery.rowsWritten} written, ${result.perDelivery.bufferHits} pages; CPU ms/delivery ${JSON.stringify(result.cpuMsPerDelivery)}`,
      );
      return result;
    } finally {
      await api.close().catch(() => {});
      await Promise.all(processes.map((p) => p.stop()));
    }
  });
}

async function main(): Promise<void> {
  const { child: receiverChild, url: receiver } = await startReceiver();
  try {
    const unreachable = await postgresUnreachable(BENCH_PG_URL);
    if (unreachable !== null) {
      process.stdout.write(`${JSON.stringify({ skipped: unreachable })}\n`);
      return;
    }
    const runs: Awaited<ReturnType<typeof runOnce>>[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order each round, so drift in the machine's load does not favour one count.
      const order = [
        ...WORKER_COUNTS.slice(r % WORKER_COUNTS.length),
        ...WORKER_COUNTS.slice(0, r % WORKER_COUNTS.length),
      ];
      if (r % 2 === 1) order.reverse();
      for (const workers of order) runs.push(await runOnce(workers, receiver));
    }
    const byWorkers = Object.fromEntries(
      WORKER_COUNTS.map((workers) => {
        const mine = runs.filter((run) => run.workers === workers);
        const pick = (f: (run: (typeof mine)[number]) => number) => round(median(mine.map(f)), 3);
        return [
          workers,
          {
            deliveriesPerSecond: Math.round(median(mine.map((run) => run.deliveriesPerSecond))),
            runs: mine.map((run) => run.deliveriesPerSecond),
            perDelivery: {
              transactions: pick((run) => run.perDelivery.transactions),
              rowsRead: pick((run) => run.perDelivery.rowsRead),
              rowsWritten: pick((run) => run.perDelivery.rowsWritten),
              bufferHits: pick((run) => run.perDelivery.bufferHits),
              workerCpuMs: pick((run) => run.cpuMsPerDelivery?.workers ?? Number.NaN),
              deliveriesIdxScans: pick((run) => run.perDelivery.tables.deliveries?.idx_scan ?? 0),
              deliveriesIdxTupFetch: pick((run) => run.perDelivery.tables.deliveries?.idx_tup_fetch ?? 0),
              deliveriesUpdates: pick((run) => run.perDelivery.tables.deliveries?.n_tup_upd ?? 0),
            },
          },
        ];
      }),
    );
    const one = byWorkers[1] as (typeof byWorkers)[string];
    const ratios = Object.fromEntries(
      WORKER_COUNTS.map((w) => [
        w,
        round((byWorkers[w]?.deliveriesPerSecond ?? 0) / one.deliveriesPerSecond),
      ]),
    );
    const costRatios = Object.fromEntries(
      WORKER_COUNTS.map((w) => [
        w,
        {
          transactions: round((byWorkers[w]?.perDelivery.transactions ?? 0) / one.perDelivery.transactions),
          rowsRead: round((byWorkers[w]?.perDelivery.rowsRead ?? 0) / one.perDelivery.rowsRead),
          rowsWritten: round((byWorkers[w]?.perDelivery.rowsWritten ?? 0) / one.perDelivery.rowsWritten),
          bufferHits: round((byWorkers[w]?.perDelivery.bufferHits ?? 0) / one.perDelivery.bufferHits),
        },
      ]),
    );
    // Noise on this shared machine is ±10 % run to run: "never lower" allows that much.
    const counts = WORKER_COUNTS.map((w) => byWorkers[w]?.deliveriesPerSecond ?? 0);
    const neverLower = counts.every((value, i) => i === 0 || value >= 0.9 * (counts[i - 1] as number));
    // "Flat": statements (transactions) and pages touched per delivery within 25 % of 1 worker. Rows read
    // are reported beside it: SKIP LOCKED passes over rows other workers hold, and index entries of row
    // versions not yet dead to every open transaction are fetched again by each claim, so that count
    // grows with the number of workers even when the pages touched barely move.
    const flat = Object.values(costRatios).every(
      (c) => c.transactions <= 1.25 && c.bufferHits <= 1.25 && c.rowsWritten <= 1.25,
    );
    process.stdout.write(
      `${JSON.stringify({
        machine: { cpus: cpus().length, loadavg1m: round(loadavg()[0] ?? 0) },
        messagesPerRun: MESSAGES,
        endpointsPerMessage: ENDPOINTS,
        rounds: ROUNDS,
        byWorkers,
        ratioTo1Worker: ratios,
        costRatioTo1Worker: costRatios,
        targets: { addingWorkersNeverLowersThroughput: neverLower, perDeliveryCostFlat: flat },
        runs,
      })}\n`,
    );
  } finally {
    await killAll();
    receiverChild.kill('SIGTERM');
  }
}

if (process.argv[2] === 'receiver') serveReceiver();
else await main();
