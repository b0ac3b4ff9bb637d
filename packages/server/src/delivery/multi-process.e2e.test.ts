// Many processes on one PostgreSQL (issue #8): 2 API and 2 worker processes of the real server, 3
// endpoints on a local receiver, messages published through both APIs at once, one worker SIGKILLed
// mid-stream. Every accepted message reaches every endpoint; the only deliveries sent twice are the
// dead worker's claims whose attempt never completed (their lease expired and the survivor took them);
// nothing is left in flight; and maintenance jobs ran in one process at a time, under the advisory lock
// the test itself can hold to block them.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import pg from 'pg';
import { Pool } from 'undici';
import { LOCK_NAMESPACE } from '../store/postgres/migrate.ts';
import { createTestDatabase, pgSkip } from '../store/postgres/test-database.ts';
import {
  type HooklineProcess,
  killAll,
  type LogLine,
  startHookline,
} from '../test-support/hookline-process.ts';

const MESSAGES = 2_000;
const ENDPOINTS = 3;
const PUBLISHERS_PER_API = 8;
const KILL_AFTER_DELIVERIES = 400;
/** The killed worker holds at most this many claims (in flight + held + awaiting commit). */
const WORKER_CONCURRENCY = 64;
const LEASE_MS = 5_000;
const MAINTENANCE_MS = 200;
/** How long the test holds the health sweep's lock itself: every round in it must be a skip. */
const LOCK_WINDOW_MS = 1_200;
const ADMIN_KEY = 'hk_multi_process_test_admin_key_0123456789';

after(killAll);

interface Arrival {
  at: number;
}

function startReceiver() {
  const arrivals = new Map<string, Arrival[]>();
  let count = 0;
  // While held, answers wait: an attempt in flight then cannot complete until release().
  let held: (() => void)[] | null = null;
  const server = createServer((request, response) => {
    const at = Date.now();
    request.resume();
    request.on('end', () => {
      const key = `${request.headers['webhook-id']} ${request.url}`;
      const list = arrivals.get(key) ?? [];
      list.push({ at });
      arrivals.set(key, list);
      count += 1;
      const answer = () => response.writeHead(204).end();
      if (held) held.push(answer);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  return {
    arrivals,
    count: () => count,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    async listen() {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rounds(workers: HooklineProcess[], job: string) {
  const all: (LogLine & { ran: boolean; startedAt: number; finishedAt: number; pid: number })[] = [];
  for (const worker of workers) {
    for (const line of worker.logs) {
      if (line.msg === 'maintenance job round' && line.job === job) all.push(line as (typeof all)[number]);
    }
  }
  return all.sort((a, b) => a.startedAt - b.startedAt);
}

const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

test('2 API + 2 worker processes: SIGKILL of a worker loses nothing, duplicates only its unfinished claims', {
  skip: pgSkip,
  timeout: 120_000,
}, async () => {
  const database = await createTestDatabase(undefined, 'multiproc');
  const receiver = startReceiver();
  const db = new pg.Client({ connectionString: database.url });
  const pools: Pool[] = [];
  try {
    const receiverUrl = await receiver.listen();
    const env = (role: string, logLevel: string) => ({
      HOOKLINE_DATABASE: database.url,
      HOOKLINE_ROLE: role,
      HOOKLINE_PORT: '0',
      HOOKLINE_LOG_LEVEL: logLevel,
      HOOKLINE_ADMIN_API_KEY: ADMIN_KEY,
      HOOKLINE_SSRF_ALLOW_LIST: '127.0.0.1',
      HOOKLINE_ATTEMPT_TIMEOUT_MS: '2000',
      HOOKLINE_CONNECT_TIMEOUT_MS: '1000',
      HOOKLINE_WORKER_LEASE_MS: String(LEASE_MS),
      HOOKLINE_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      HOOKLINE_WORKER_BATCH_SIZE: '32',
      HOOKLINE_MAINTENANCE_INTERVAL_MS: String(MAINTENANCE_MS),
    });
    // All four start together: migrations, the admin key and the default source race on purpose.
    const apis = [startHookline(env('api', 'info')), startHookline(env('api', 'info'))];
    const workers = [startHookline(env('worker', 'debug')), startHookline(env('worker', 'debug'))];
    const apiUrls = await Promise.all(
      apis.map(async (api) => {
        const line = await api.waitForLog('listening', (l) => typeof l.url === 'string' && l.role === 'api');
        return line.url as string;
      }),
    );
    const workerIds = await Promise.all(
      workers.map(
        async (w) =>
          (await w.waitForLog('worker started', (l) => l.msg === 'delivery worker started')).workerId,
      ),
    );
    const [survivor, victim] = workers as [HooklineProcess, HooklineProcess];
    const victimId = workerIds[1] as string;
    await db.connect();

    const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    for (const url of apiUrls) pools.push(new Pool(url, { connections: PUBLISHERS_PER_API }));
    const call = async (pool: Pool, path: string, body: unknown) => {
      const response = await pool.request({ path, method: 'POST', headers, body: JSON.stringify(body) });
      return { status: response.statusCode, body: (await response.body.json()) as { id?: string } };
    };
    for (let i = 1; i <= ENDPOINTS; i++) {
      const created = await call(pools[0] as Pool, '/v1/endpoints', { url: `${receiverUrl}/e${i}` });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }

    // The maintenance lock, held by the test: both workers must skip the health sweep meanwhile.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [LOCK_NAMESPACE, 'job:endpoint-health']);
    const heldFrom = Date.now();
    await new Promise((resolve) => setTimeout(resolve, LOCK_WINDOW_MS));
    const heldUntil = Date.now();
    await holder.end();

    // Publish through both APIs at once; SIGKILL the victim once it holds claims mid-stream.
    const accepted: string[] = [];
    const rejected: number[] = [];
    let next = 0;
    const publisher = async (pool: Pool) => {
      while (next < MESSAGES) {
        next += 1;
        const published = await call(pool, '/v1/messages', {
          eventType: 'order.created',
          payload: { n: next },
        });
        if (published.status === 202 && published.body.id) accepted.push(published.body.id);
        else rejected.push(published.status);
      }
    };
    const publishing = Promise.all(
      pools.flatMap((pool) => Array.from({ length: PUBLISHERS_PER_API }, () => publisher(pool))),
    );
    await until('deliveries before the kill', () => receiver.count() >= KILL_AFTER_DELIVERIES, 30_000);
    const claimsOfVictim = async () => {
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE worker_id = $1 AND status = 'in_flight'",
        [victimId],
      );
      return rows[0]?.n ?? 0;
    };
    // Answers wait meanwhile, so claims seen in flight are still unfinished when the SIGKILL lands (on
    // a fast machine they used to complete between the query and the kill). Released well within the
    // 2 s attempt timeout, so the survivor's waiting attempts still succeed at their first try.
    receiver.hold();
    await until('the victim holding claims', async () => (await claimsOfVictim()) >= 3, 1_000);
    const killedAt = Date.now();
    await victim.kill();
    receiver.release();
    await publishing;
    assert.deepEqual(rejected, [], 'every publish is accepted');
    assert.equal(accepted.length, MESSAGES);

    const expected = accepted.length * ENDPOINTS;
    const settled = async () => {
      const { rows } = await db.query<{ done: number }>(
        "SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS done FROM deliveries",
      );
      return rows[0]?.done === expected;
    };
    // The victim's claims come back only when their lease (LEASE_MS) expires.
    await until('every delivery to succeed', settled, 60_000);

    // 1. Nothing lost: every accepted message reached every endpoint.
    for (const id of accepted) {
      for (let i = 1; i <= ENDPOINTS; i++) {
        assert.ok(receiver.arrivals.has(`${id} /e${i}`), `${id} never reached /e${i}`);
      }
    }
    // 2. Nothing stuck: every delivery succeeded, none in flight.
    const states = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status',
    );
    assert.deepEqual(states.rows, [{ status: 'succeeded', n: expected }]);

    // 3. Duplicates only where the dead lease's attempt never completed: each delivery has exactly one
    // recorded attempt (the one that succeeded); it is attempt 2 exactly for the claims the victim took
    // and never finished, and only those may have reached the receiver twice.
    const { rows } = await db.query<{ message_id: string; url: string; attempts: number[]; count: number }>(
      `SELECT d.message_id, e.url, d.attempt_count AS count,
                array_agg(a.attempt_number ORDER BY a.attempt_number) AS attempts
           FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
           LEFT JOIN attempts a ON a.delivery_id = d.id
          GROUP BY d.id, e.url`,
    );
    const unfinished = new Set<string>();
    for (const row of rows) {
      const key = `${row.message_id} ${new URL(row.url).pathname}`;
      if (row.count === 2) {
        assert.deepEqual(row.attempts, [2], key);
        unfinished.add(key);
      } else {
        assert.equal(row.count, 1, key);
        assert.deepEqual(row.attempts, [1], key);
      }
    }
    assert.ok(unfinished.size > 0, 'the victim held claims when it was killed');
    assert.ok(unfinished.size <= WORKER_CONCURRENCY, `${unfinished.size} unfinished claims`);
    let duplicates = 0;
    for (const [key, list] of receiver.arrivals) {
      if (list.length === 1) continue;
      duplicates += 1;
      assert.ok(unfinished.has(key), `${key} arrived ${list.length} times but its first attempt completed`);
      assert.equal(list.length, 2, key);
      // The second send is the survivor's, after the victim died (never while its lease was alive).
      assert.ok((list[1] as Arrival).at >= killedAt, `${key} was resent before the kill`);
    }

    // 4. Maintenance in one process at a time: no two runs of a job overlap, none ran while the test
    // held the lock (both workers skipped instead), and the survivor keeps running jobs after the kill.
    for (const job of ['endpoint-health', 'retention']) {
      const ran = rounds(workers, job).filter((r) => r.ran);
      assert.ok(ran.length > 0, `${job} ran`);
      for (let i = 1; i < ran.length; i++) {
        const [before, current] = [ran[i - 1], ran[i]] as [(typeof ran)[number], (typeof ran)[number]];
        assert.ok(
          current.startedAt >= before.finishedAt,
          `${job} ran in ${before.pid} and ${current.pid} at once`,
        );
      }
    }
    const health = rounds(workers, 'endpoint-health');
    const inWindow = health.filter((r) => r.startedAt >= heldFrom && r.finishedAt <= heldUntil);
    assert.deepEqual(
      inWindow.filter((r) => r.ran),
      [],
      'no health sweep while the test held its lock',
    );
    const skippers = new Set(inWindow.filter((r) => !r.ran).map((r) => r.pid));
    assert.deepEqual([...skippers].sort(), [survivor.pid, victim.pid].sort(), 'both workers skipped');
    assert.ok(
      health.some((r) => r.ran && r.pid === survivor.pid && r.startedAt > killedAt),
      'the survivor ran the health sweep after the kill',
    );

    process.stderr.write(
      `multi-process: ${accepted.length} messages, ${expected} deliveries, victim's unfinished claims ${unfinished.size}, duplicates ${duplicates}, health rounds ran ${health.filter((r) => r.ran).length} / skipped ${health.filter((r) => !r.ran).length}\n`,
    );

    const exits = await Promise.all([...apis, survivor].map((p) => p.stop()));
    assert.deepEqual(exits, [0, 0, 0], 'graceful exits');
  } finally {
    for (const pool of pools) await pool.close();
    await db.end().catch(() => {});
    await killAll();
    await receiver.close();
    await database.drop();
  }
});
