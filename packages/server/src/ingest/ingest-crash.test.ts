// kill -9 of the server during a stream of signed requests: every request that got a 2xx is stored
// (with its delivery) after a restart, and the sender's retries of the rest are absorbed by dedup, so
// each event ends up stored exactly once. The invariants hold wherever the kill lands.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';
import { createIdGenerator } from '../ids.ts';
import { openStore } from '../store/open-store.ts';
import { generateSourceToken } from './source-token.ts';

const EVENTS = 5000;
const CONCURRENCY = 32;
const KILL_AFTER_ACKS = 1500;
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SERVER = join(import.meta.dirname, 'crash-test-server.ts');

/** Every server started, so a failed assertion never leaves one running. */
const started: ChildProcess[] = [];

async function startServer(url: string, token: string): Promise<{ child: ChildProcess; pool: Pool }> {
  const child = spawn(process.execPath, [SERVER, url, token, SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const [line] = (await once(child.stdout as NonNullable<typeof child.stdout>, 'data')) as [Buffer];
  const pool = new Pool(`http://127.0.0.1:${line.toString().trim()}`, { connections: CONCURRENCY });
  return { child, pool };
}

/** Where the child server keeps its data: a store URL it can reopen after the kill. */
interface StoreTarget {
  name: string;
  skip: string | null;
  create(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

const pgUrl = process.env.HOOKLINE_TEST_PG_URL;
const targets: StoreTarget[] = [
  {
    name: 'sqlite',
    skip: null,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
      return {
        url: `sqlite://${join(dir, 'hookline.db')}`,
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    // As in conformance/engines.ts: CI=true never skips PostgreSQL (create() then fails without a URL).
    skip: pgUrl || process.env.CI === 'true' ? null : 'HOOKLINE_TEST_PG_URL is not set',
    async create() {
      if (!pgUrl) throw new TypeError('CI=true requires HOOKLINE_TEST_PG_URL');
      const database = `hookline_crash_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      const url = new URL(pgUrl);
      url.pathname = `/${database}`;
      return {
        url: url.toString(),
        async cleanup() {
          const dropper = new pg.Client({ connectionString: pgUrl });
          await dropper.connect();
          await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
          await dropper.end();
        },
      };
    },
  },
];

async function crashRun(engine: StoreTarget): Promise<void> {
  const { url, cleanup } = await engine.create();
  const token = generateSourceToken();
  const signer = new Webhook(SECRET);
  const acked = new Set<string>();
  let killed = false;

  async function sendAll(pool: Pool, ids: string[], onAck: () => void): Promise<string[]> {
    const failed: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          const body = JSON.stringify({ type: 'order.created', data: { id } });
          const now = new Date();
          try {
            const response = await pool.request({
              method: 'POST',
              path: `/in/${token}`,
              body,
              headers: {
                'content-type': 'application/json',
                'webhook-id': id,
                'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
                'webhook-signature': signer.sign(id, now, body),
              },
            });
            await response.body.dump();
            if (response.statusCode === 202) {
              acked.add(id);
              onAck();
            } else {
              failed.push(id);
            }
          } catch {
            failed.push(id);
          }
        }
      }),
    );
    return failed;
  }

  try {
    const ids = Array.from({ length: EVENTS }, (_, i) => `msg_${i}`);
    const first = await startServer(url, token);
    const unacked = await sendAll(first.pool, ids, () => {
      if (!killed && acked.size >= KILL_AFTER_ACKS) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    });
    if (first.child.exitCode === null && first.child.signalCode === null) await once(first.child, 'exit');
    await first.pool.destroy();
    assert.ok(killed, 'the server was killed mid-stream');
    assert.ok(unacked.length > 0, 'some requests failed because of the kill');
    const ackedBeforeRestart = new Set(acked);

    // The sender retries everything it has no 2xx for, plus a sample of acked ones (a sender that
    // timed out after the server answered).
    const second = await startServer(url, token);
    const retry = [...unacked, ...[...ackedBeforeRestart].slice(0, 200)];
    const stillFailing = await sendAll(second.pool, retry, () => {});
    assert.deepEqual(stillFailing, []);
    await second.pool.close();
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    const clock = Date.now;
    const store = await openStore(url, { clock, newId: createIdGenerator(clock) });
    try {
      const source = await store.getSourceByToken(token);
      assert.ok(source);
      const seen = new Map<string, number>();
      let cursor: string | null = null;
      let deliveries = 0;
      do {
        const page = await store.listMessages({ sourceId: source.id, limit: 1000, cursor });
        for (const message of page.data)
          seen.set(message.dedupKey ?? '', (seen.get(message.dedupKey ?? '') ?? 0) + 1);
        cursor = page.nextCursor;
      } while (cursor !== null);
      let dcursor: string | null = null;
      do {
        const page = await store.listDeliveries({ limit: 1000, cursor: dcursor });
        deliveries += page.data.length;
        dcursor = page.nextCursor;
      } while (dcursor !== null);
      for (const id of ackedBeforeRestart) assert.equal(seen.get(id), 1, `acked ${id} stored once`);
      assert.equal(seen.size, EVENTS, 'every event stored');
      assert.ok(
        [...seen.values()].every((count) => count === 1),
        'no event stored twice',
      );
      assert.equal(deliveries, EVENTS, 'one delivery per event, committed with it');
    } finally {
      await store.close();
    }
  } finally {
    for (const child of started.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    await cleanup();
  }
}

for (const engine of targets) {
  describe(engine.name, engine.skip === null ? {} : { skip: engine.skip }, () => {
    test(
      'kill -9 mid-stream: every 2xx is stored and forwarded, retries are absorbed by dedup',
      { timeout: 60_000 },
      () => crashRun(engine),
    );
  });
}
