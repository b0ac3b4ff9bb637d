import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewMessage } from '../store.ts';
import { isStoreError } from '../store-error.ts';
import { createPostgresStore } from './create-postgres-store.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { createTestDatabase, pgSkip, testDeps } from './test-database.ts';

const message = (): NewMessage => ({
  eventType: 'invoice.paid',
  contentType: 'application/json',
  body: new TextEncoder().encode('{}'),
  deliveries: [{ endpointId: 'ep_1', maxAttempts: 3 }],
});

async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

test('a database that goes away: typed errors, no spinning, and it resumes by itself', {
  skip: pgSkip,
}, async () => {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(database.url);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const store = createPostgresStore({
    connectionString: viaProxy.toString(),
    deps: testDeps(),
    poolSize: 2,
    connectTimeoutMs: 1_000,
    statementTimeoutMs: 2_000,
  });
  try {
    await store.migrate();
    assert.equal((await store.insertMessage(message())).duplicate, false);

    proxy.cut();
    const failed = await settle(store.insertMessage(message()));
    assert.equal(failed.ok, false);
    assert.ok(
      !failed.ok && isStoreError(failed.error, 'unavailable'),
      `got ${String(!failed.ok && failed.error)}`,
    );
    const ping = await store.ping();
    assert.equal(ping.ok, false);

    // A caller retrying in a tight loop meets the breaker, not the network: far fewer connection
    // attempts than calls.
    const attemptsBefore = proxy.attempts;
    const outcomes = [];
    for (let i = 0; i < 50; i++)
      outcomes.push(await settle(store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 1_000 })));
    assert.ok(outcomes.every((o) => !o.ok && isStoreError(o.error, 'unavailable')));
    assert.ok(
      proxy.attempts - attemptsBefore <= 5,
      `${proxy.attempts - attemptsBefore} connection attempts for 50 calls`,
    );

    // Back: the next call after the breaker's window reconnects; bounded by count, not asserted on time.
    proxy.restore();
    let resumed = false;
    for (let i = 0; i < 200 && !resumed; i++) {
      const outcome = await settle(store.insertMessage(message()));
      if (outcome.ok) resumed = true;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(resumed, 'the store did not resume after the database came back');
    assert.deepEqual(await store.ping(), { ok: true });
    const claims = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 1_000 });
    assert.ok(claims.length >= 2, 'messages committed before the cut and after it are claimable');
  } finally {
    await store.close();
    await proxy.close();
    await database.drop();
  }
});

test('a statement that outlives statement_timeout fails unavailable instead of hanging', {
  skip: pgSkip,
}, async () => {
  const database = await createTestDatabase();
  const store = createPostgresStore({
    connectionString: database.url,
    deps: testDeps(),
    poolSize: 2,
    statementTimeoutMs: 200,
  });
  try {
    await store.migrate();
    // Hold the endpoints_version row so an endpoint write blocks until the statement timeout fires.
    const { default: pg } = await import('pg');
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query("SELECT * FROM counters WHERE name = 'endpoints_version' FOR UPDATE");
      const outcome = await settle(
        store.createEndpoint({
          tenant: null,
          url: 'https://example.com/',
          description: '',
          disabled: false,
          eventTypes: null,
          channels: null,
          sources: null,
          payloadFilter: null,
          headers: {},
          timeoutMs: 1000,
          retrySchedule: null,
          rateLimitPerSecond: null,
          maxConcurrency: null,
          signing: { scheme: 'standard-webhooks-v1' },
          secrets: [],
          metadata: {},
        }),
      );
      assert.ok(!outcome.ok && isStoreError(outcome.error, 'unavailable'));
      await blocker.query('ROLLBACK');
    } finally {
      await blocker.end();
    }
    // A statement timeout is not an outage: it does not open the breaker, the next call just works.
    assert.deepEqual(await store.ping(), { ok: true });
    assert.deepEqual(await store.listEndpoints({}), { data: [], nextCursor: null });
  } finally {
    await store.close();
    await database.drop();
  }
});
