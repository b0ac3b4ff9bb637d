import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewMessage, Store } from '../store.ts';
import { createPostgresStore, type PostgresStoreInternals } from './create-postgres-store.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { adminQuery, createTestDatabase, openTestStore, pgSkip, testDeps } from './test-database.ts';

const message = (): NewMessage => ({
  eventType: 'invoice.paid',
  contentType: 'application/json',
  body: new TextEncoder().encode('{}'),
  deliveries: [{ endpointId: 'ep_1', maxAttempts: 3 }],
});

/** Resolves on the next onWork call of `store`. */
function nextWake(store: Store): Promise<void> {
  return new Promise((resolve) => {
    const off = store.onWork(() => {
      off();
      resolve();
    });
  });
}

async function until<T>(fn: () => T | null | Promise<T | null>, what: string): Promise<T> {
  // Bounded by count, not by an assertion on time: the test timeout is the backstop.
  for (let i = 0; i < 400; i++) {
    const value = await fn();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return assert.fail(`gave up waiting for ${what}`);
}

test('a publish in one process wakes another through NOTIFY, also after its LISTEN session is killed', {
  skip: pgSkip,
}, async () => {
  const t = await openTestStore();
  const publisher = createPostgresStore({ connectionString: t.database.url, deps: testDeps(), poolSize: 2 });
  const worker = t.store as Store & PostgresStoreInternals;
  try {
    const stop = worker.onWork(() => {});
    await worker.listening();
    const firstPid = worker.listenerPid();
    assert.ok(firstPid);

    let woken = nextWake(worker);
    await publisher.insertMessage(message());
    await woken;

    // The server drops the LISTEN session: the store notices (end/error event) and listens again.
    const killed = await adminQuery('SELECT pg_terminate_backend($1) AS ok', [firstPid]);
    assert.equal(killed.rows[0]?.ok, true);
    const secondPid = await until(() => {
      const pid = worker.listenerPid();
      return pid !== null && pid !== firstPid ? pid : null;
    }, 'a new LISTEN session');
    assert.notEqual(secondPid, firstPid);
    const sessions = await adminQuery(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'hookline-listen' AND datname = $1",
      [t.database.name],
    );
    assert.deepEqual(
      sessions.rows.map((r) => r.pid),
      [secondPid],
    );

    woken = nextWake(worker);
    await publisher.insertMessage(message());
    await woken;
    stop();
  } finally {
    await publisher.close();
    await t.close();
  }
});

test('release and recover in one process wake the others', { skip: pgSkip }, async () => {
  const t = await openTestStore();
  const other = createPostgresStore({ connectionString: t.database.url, deps: testDeps(), poolSize: 2 });
  try {
    await t.store.insertMessage(message());
    const stop = other.onWork(() => {});
    await (other as Store & PostgresStoreInternals).listening();
    const [claim] = await t.store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    assert.ok(claim);
    let woken = nextWake(other);
    assert.equal(
      await t.store.releaseDeliveries([{ deliveryId: claim.delivery.id, leaseToken: claim.leaseToken }]),
      1,
    );
    await woken;

    const [again] = await t.store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    assert.ok(again);
    const [done] = await t.store.completeAttempts([
      {
        deliveryId: again.delivery.id,
        leaseToken: again.leaseToken,
        outcome: { kind: 'exhausted' },
        attempt: {
          deliveryId: again.delivery.id,
          messageId: again.delivery.messageId,
          endpointId: 'ep_1',
          attemptNumber: 1,
          trigger: 'scheduled',
          url: 'https://example.com/',
          requestHeaders: {},
          responseStatus: 500,
          responseHeaders: {},
          responseBody: null,
          durationMs: 1,
          errorKind: 'http_status',
          errorMessage: 'HTTP 500',
        },
      },
    ]);
    assert.equal(done?.accepted, true);
    woken = nextWake(other);
    assert.equal(await t.store.recoverDeliveries({ endpointId: 'ep_1', since: 0, until: Date.now() + 1 }), 1);
    await woken;
    stop();
  } finally {
    await other.close();
    await t.close();
  }
});

test('a silent (half-open) LISTEN link is found by the periodic check and replaced', {
  skip: pgSkip,
}, async () => {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  // The check query times out after statementTimeoutMs + 2 s on the client side.
  const worker = createPostgresStore({
    connectionString: viaProxy.toString(),
    deps: testDeps(),
    poolSize: 2,
    statementTimeoutMs: 100,
    listenCheckIntervalMs: 100,
  }) as Store & PostgresStoreInternals;
  const publisher = createPostgresStore({ connectionString: database.url, deps: testDeps(), poolSize: 2 });
  try {
    await publisher.migrate();
    const stop = worker.onWork(() => {});
    await worker.listening();
    const firstPid = worker.listenerPid();
    proxy.freeze();
    await until(() => {
      const pid = worker.listenerPid();
      return pid !== null && pid !== firstPid ? pid : null;
    }, 'a replacement LISTEN session');
    const woken = nextWake(worker);
    await publisher.insertMessage(message());
    await woken;
    stop();
  } finally {
    await worker.close();
    await publisher.close();
    await proxy.close();
    await database.drop();
  }
});
