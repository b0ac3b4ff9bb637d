import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IdempotencyConflictError } from '../idempotency-conflict-error.ts';
import type { InsertOutcome, NewMessage, Store } from '../store.ts';
import type { Message } from '../types.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { newMessage } from './fixtures.ts';

// insertMessages with `sameRequest`: a key reused for a different request stores nothing of the call.

const encoder = new TextEncoder();
const sameRequest = (existing: Message, input: NewMessage) =>
  existing.body !== null && Buffer.from(existing.body).equals(Buffer.from(input.body));
const json = (value: unknown) => encoder.encode(JSON.stringify(value));

async function conflictOf(promise: Promise<unknown>): Promise<IdempotencyConflictError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdempotencyConflictError) return error;
    throw error;
  }
  assert.fail('expected an IdempotencyConflictError');
}

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  const count = async (store: Store, eventType: string) => {
    const messages = (await store.listMessages({ eventType, limit: 1000 })).data;
    const ids = new Set(messages.map((m) => m.id));
    const deliveries = (await store.listDeliveries({ limit: 1000 })).data.filter((d) => ids.has(d.messageId));
    return { messages: messages.length, deliveries: deliveries.length };
  };

  test('a key used for a different request stores none of the batch; other callers of its group commit', async () => {
    const { store } = t;
    const [earlier] = await store.insertMessages(
      [newMessage({ eventType: 'held', idempotencyKey: 'k-held', body: json(1) })],
      { sameRequest },
    );
    const [refused, single, otherBatch] = await Promise.allSettled([
      store.insertMessages(
        [
          newMessage({ eventType: 'refused', endpoints: ['a', 'b'] }),
          newMessage({ eventType: 'refused', idempotencyKey: 'k-new', body: json(2) }),
          newMessage({ eventType: 'refused', idempotencyKey: 'k-held', body: json(3) }),
        ],
        { sameRequest },
      ),
      // Queued in the same tick, so it shares the refused batch's group commit where the engine has one.
      store.insertMessage(newMessage({ eventType: 'neighbour', idempotencyKey: 'k-neighbour' })),
      store.insertMessages(
        [
          newMessage({ eventType: 'neighbour' }),
          newMessage({ eventType: 'neighbour', idempotencyKey: 'k-held', body: json(1) }),
        ],
        { sameRequest },
      ),
    ]);
    assert.equal(refused.status, 'rejected');
    const error = await conflictOf(Promise.reject((refused as PromiseRejectedResult).reason));
    assert.equal(error.code, 'conflict');
    assert.deepEqual(
      error.conflicts.map((c) => [c.index, c.existing.id]),
      [[2, earlier?.message.id]],
    );
    assert.deepEqual(await count(store, 'refused'), { messages: 0, deliveries: 0 });
    assert.equal(single.status, 'fulfilled');
    assert.equal(otherBatch.status, 'fulfilled');
    const outcomes = (otherBatch as PromiseFulfilledResult<InsertOutcome[]>).value;
    assert.deepEqual(
      outcomes.map((o) => o.duplicate),
      [false, true],
    );
    assert.equal(outcomes[1]?.message.id, earlier?.message.id);
    assert.deepEqual(await count(store, 'neighbour'), { messages: 2, deliveries: 2 });
    // The refused batch's new key is still free.
    const [reused] = await store.insertMessages(
      [newMessage({ eventType: 'refused', idempotencyKey: 'k-new', body: json('other') })],
      { sameRequest },
    );
    assert.equal(reused?.duplicate, false);
  });

  test('a conflict inside one batch is found by the store too', async () => {
    const error = await conflictOf(
      t.store.insertMessages(
        [
          newMessage({ eventType: 'inner', idempotencyKey: 'k-inner', body: json(1) }),
          newMessage({ eventType: 'inner', idempotencyKey: 'k-inner', body: json(2) }),
        ],
        { sameRequest },
      ),
    );
    assert.deepEqual(
      error.conflicts.map((c) => c.index),
      [1],
    );
    assert.deepEqual(await count(t.store, 'inner'), { messages: 0, deliveries: 0 });
  });

  test('batches racing for one key through three stores (three processes): one commits, the rest store nothing', async () => {
    const stores = [t.store, await t.openPeer(), await t.openPeer()];
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        (stores[i % 3] ?? t.store).insertMessages(
          [
            newMessage({ eventType: 'race', idempotencyKey: `own-${i}`, endpoints: ['a', 'b'] }),
            newMessage({ eventType: 'race', idempotencyKey: 'contested', body: json(i) }),
            newMessage({ eventType: 'race' }),
          ],
          { sameRequest },
        ),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const result of results) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof IdempotencyConflictError);
    }
    assert.deepEqual(await count(t.store, 'race'), { messages: 3, deliveries: 4 });
    const keys = (await t.store.listMessages({ eventType: 'race', limit: 100 })).data.map(
      (m) => m.idempotencyKey,
    );
    assert.deepEqual(keys.filter((k) => k !== null).sort(), ['contested', `own-${won[0]}`].sort());
  });

  test('without sameRequest a batch keeps reporting duplicates as before', async () => {
    const { store } = t;
    await store.insertMessage(newMessage({ eventType: 'plain', idempotencyKey: 'k-plain', body: json(1) }));
    const outcomes = await store.insertMessages([
      newMessage({ eventType: 'plain' }),
      newMessage({ eventType: 'plain', idempotencyKey: 'k-plain', body: json(2) }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.duplicate),
      [false, true],
    );
  });
});
