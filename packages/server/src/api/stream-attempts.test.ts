import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { readSse, type SseEvent } from '../cli/sse-reader.ts';
import { createIdGenerator } from '../ids.ts';
import { createPostgresStore } from '../store/postgres/create-postgres-store.ts';
import { createTestDatabase, pgSkip } from '../store/postgres/test-database.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import type { Store, StoreDeps } from '../store/store.ts';
import { createTestApp, type TestApp } from '../test-support/test-app.ts';

interface StreamedAttempt {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  eventType: string;
  trigger: string;
  responseStatus: number | null;
  durationMs: number;
  errorKind: string;
}

/** Opens `GET /v1/stream` with a key and reads events one by one. */
async function openStream(t: TestApp, key: string, query: string) {
  const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const controller = new AbortController();
  const response = await fetch(`${base}/v1/stream${query}`, {
    headers: t.auth(key),
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  assert.ok(response.body);
  const events = readSse(response.body);
  return {
    async next(): Promise<SseEvent> {
      const { value, done } = await events.next();
      assert.ok(!done, 'stream ended');
      return value;
    },
    close: () => controller.abort(),
  };
}

async function publish(t: TestApp, key: string, eventType: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/messages',
    headers: { ...t.auth(key), 'content-type': 'application/json' },
    payload: { eventType, payload: { n: 1 } },
  });
  assert.equal(response.statusCode, 202, response.body);
  return (JSON.parse(response.body) as { id: string }).id;
}

/**
 * A worker in another process (`peer`, its own connection, the same test clock) claims and completes the
 * delivery; the stream of this process must see that attempt, with no wake-up from the peer (polling).
 */
async function attemptsReachTheStream(t: TestApp, peer: Store): Promise<void> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/endpoints',
    headers: t.auth(t.adminKey),
    payload: { url: 'http://127.0.0.1:9/hook' },
  });
  assert.equal(created.statusCode, 201, created.body);
  const endpointId = (JSON.parse(created.body) as { id: string }).id;
  const acmeKey = await t.createKey(['admin'], 'acme');

  const all = await openStream(t, t.adminKey, '?include=attempts');
  const plain = await openStream(t, t.adminKey, '');
  const acme = await openStream(t, acmeKey, '?include=attempts');

  const messageId = await publish(t, t.adminKey, 'invoice.paid');
  t.clock.advance(10);
  const [claim] = await peer.claimDeliveries({ workerId: 'peer', limit: 10, leaseMs: 30_000 });
  assert.ok(claim);
  await peer.completeAttempts([
    {
      deliveryId: claim.delivery.id,
      leaseToken: claim.leaseToken,
      attempt: {
        deliveryId: claim.delivery.id,
        messageId,
        endpointId,
        attemptNumber: 1,
        trigger: 'scheduled',
        url: 'http://127.0.0.1:9/hook',
        requestHeaders: {},
        responseStatus: 503,
        responseHeaders: {},
        responseBody: 'busy',
        durationMs: 21,
        errorKind: 'http_status',
        errorMessage: 'HTTP 503',
      },
      outcome: { kind: 'retry', nextAttemptAt: t.clock() + 60_000 },
    },
  ]);
  t.clock.advance(10);
  // A listen session's report on the same message is an attempt too (trigger cli).
  const reported = await t.app.inject({
    method: 'POST',
    url: `/v1/messages/${messageId}/attempts`,
    headers: t.auth(t.adminKey),
    payload: { listener: 'laptop', url: 'http://localhost:3000/', responseStatus: 200, durationMs: 3 },
  });
  assert.equal(reported.statusCode, 201, reported.body);
  t.clock.advance(10);
  const acmeMessage = await publish(t, acmeKey, 'acme.thing');
  t.clock.advance(1000);

  const message = await all.next();
  assert.equal(message.event, 'message');
  assert.equal(message.id, messageId);
  const scheduled = await all.next();
  assert.equal(scheduled.event, 'attempt');
  assert.equal(scheduled.id, null, 'attempt events carry no id: the resume cursor stays a message id');
  const first = JSON.parse(scheduled.data) as StreamedAttempt;
  assert.deepEqual(
    {
      messageId: first.messageId,
      deliveryId: first.deliveryId,
      endpointId: first.endpointId,
      eventType: first.eventType,
      trigger: first.trigger,
      responseStatus: first.responseStatus,
      durationMs: first.durationMs,
      errorKind: first.errorKind,
    },
    {
      messageId,
      deliveryId: claim.delivery.id,
      endpointId,
      eventType: 'invoice.paid',
      trigger: 'scheduled',
      responseStatus: 503,
      durationMs: 21,
      errorKind: 'http_status',
    },
  );
  const cli = JSON.parse((await all.next()).data) as StreamedAttempt;
  assert.equal(cli.trigger, 'cli');
  assert.match(cli.endpointId, /^lsn_/);
  assert.equal((await all.next()).id, acmeMessage);

  // Without include=attempts: messages only, as before.
  assert.equal((await plain.next()).id, messageId);
  assert.equal((await plain.next()).id, acmeMessage);
  // A tenant key sees neither the other message nor its attempts.
  const acmeFirst = await acme.next();
  assert.equal(acmeFirst.id, acmeMessage);
  for (const stream of [all, plain, acme]) stream.close();
}

test('attempts stream live with include=attempts, from another connection too (SQLite)', async () => {
  let path = '';
  const t = await createTestApp({
    openStore: (deps) => {
      path = join(process.env.TMPDIR ?? '/tmp', `hookline-stream-attempts-${process.pid}-${Date.now()}.db`);
      return createSqliteStore({ path, deps });
    },
  });
  const peer = createSqliteStore({ path, deps: peerDeps(t) });
  try {
    await attemptsReachTheStream(t, peer);
  } finally {
    await peer.close();
    await t.close();
  }
});

test('attempts written by another process reach the stream (PostgreSQL)', { skip: pgSkip }, async () => {
  const database = await createTestDatabase(undefined, 'stream_attempts');
  const t = await createTestApp({
    openStore: (deps) => createPostgresStore({ connectionString: database.url, deps }),
  });
  const peer = createPostgresStore({ connectionString: database.url, deps: peerDeps(t) });
  try {
    await attemptsReachTheStream(t, peer);
  } finally {
    await peer.close();
    await t.close();
    await database.drop();
  }
});

function peerDeps(t: TestApp): StoreDeps {
  return { clock: t.clock, newId: createIdGenerator(t.clock) };
}
