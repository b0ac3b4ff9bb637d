import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewMessage } from '../store.ts';
import { isStoreError } from '../store-error.ts';
import { createPostgresStore } from './create-postgres-store.ts';
import { openTestStore, pgSkip, testDeps } from './test-database.ts';

const message = (overrides: Partial<NewMessage> = {}): NewMessage => ({
  eventType: 'invoice.paid',
  contentType: 'application/json',
  body: new TextEncoder().encode('{"amount":1}'),
  deliveries: [{ endpointId: 'ep_1', maxAttempts: 3 }],
  ...overrides,
});

test('one bad message in a group fails only its caller; the others of that group commit', {
  skip: pgSkip,
}, async () => {
  const t = await openTestStore();
  try {
    // Issued in one tick, so they share a group; the NUL byte is refused by PostgreSQL's text type.
    const [good, bad, batch] = await Promise.allSettled([
      t.store.insertMessage(message()),
      t.store.insertMessage(message({ eventType: 'bad\u0000type' })),
      t.store.insertMessages([message(), message({ tenant: 'acme' })]),
    ] as const);
    assert.equal(good.status, 'fulfilled');
    assert.equal(batch.status, 'fulfilled');
    assert.ok(bad.status === 'rejected' && isStoreError(bad.reason, 'invalid_argument'), String(bad.status));
    const page = await t.store.listMessages({});
    assert.equal(page.data.length, 3);
    assert.equal((await t.store.queueDepth(Date.now() + 1)).due, 3);
  } finally {
    await t.close();
  }
});

test('concurrent publishes with one key from two processes store one message', { skip: pgSkip }, async () => {
  const t = await openTestStore();
  const peer = createPostgresStore({ connectionString: t.database.url, deps: testDeps(), poolSize: 4 });
  try {
    const stores = [t.store, peer];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (stores[i % 2] ?? t.store).insertMessage(
          message({ idempotencyKey: `key-${i % 4}`, tenant: i % 8 < 4 ? null : 'acme' }),
        ),
      ),
    );
    // Keys key-0..3 under tenant NULL and under 'acme': 8 distinct (tenant, key) pairs.
    const stored = outcomes.filter((o) => !o.duplicate);
    assert.equal(stored.length, 8);
    assert.equal(new Set(outcomes.map((o) => o.message.id)).size, 8);
    for (const outcome of outcomes) {
      const first = stored.find(
        (s) =>
          s.message.idempotencyKey === outcome.message.idempotencyKey &&
          s.message.tenant === outcome.message.tenant,
      );
      assert.equal(outcome.message.id, first?.message.id);
    }
    assert.equal((await t.store.listDeliveries({ limit: 100 })).data.length, 8);
  } finally {
    await peer.close();
    await t.close();
  }
});

test('bodies round-trip byte for byte through the grouped binary parameter', { skip: pgSkip }, async () => {
  const t = await openTestStore();
  try {
    const bodies = [new Uint8Array(0), Uint8Array.from([0, 255, 92, 120, 0]), new Uint8Array(70_000).fill(7)];
    const outcomes = await Promise.all(bodies.map((body) => t.store.insertMessage(message({ body }))));
    const stored = await t.store.getMessages(outcomes.map((o) => o.message.id));
    for (const [i, outcome] of outcomes.entries()) {
      const got = stored.find((m) => m.id === outcome.message.id);
      assert.deepEqual(got?.body, bodies[i]);
    }
  } finally {
    await t.close();
  }
});
