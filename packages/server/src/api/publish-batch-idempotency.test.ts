import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { createEngineApp, type EngineApp } from '../test-support/engine-app.ts';
import { bodyOf, errorCode } from '../test-support/test-app.ts';

// Batch publish answers idempotency keys as the single publish does, on every store engine.

interface Item {
  id: string;
  duplicate: boolean;
}

forEachEngine((engine) => {
  let k: EngineApp;
  let admin: string;
  before(async () => {
    k = await createEngineApp(engine);
    admin = await k.createKey(['admin']);
    // One endpoint that takes everything, so a stored message leaves a delivery behind too.
    const endpoint = await k.app.inject({
      method: 'POST',
      url: '/v1/endpoints',
      headers: k.auth(admin),
      payload: { url: 'https://receiver.example.com/hook' },
    });
    assert.equal(endpoint.statusCode, 201, endpoint.body);
  });
  after(() => k.close());

  const batch = (messages: Record<string, unknown>[], headers: Record<string, string> = {}) =>
    k.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: { ...k.auth(admin), ...headers },
      payload: { messages },
    });
  const stored = async () => (await k.t.store.listMessages({ limit: 1000 })).data.length;
  const deliveries = async () => (await k.t.store.listDeliveries({ limit: 1000 })).data.length;

  test('the same key twice in one batch: the same request is a duplicate, a different one refuses all', async () => {
    const same = await batch([
      { eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'twice' },
      { eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'twice' },
    ]);
    assert.equal(same.statusCode, 202, same.body);
    const [first, second] = bodyOf<{ data: Item[] }>(same).data;
    assert.equal(first?.duplicate, false);
    assert.deepEqual([second?.id, second?.duplicate], [first?.id, true]);

    const before = await stored();
    const clash = await batch([
      { eventType: 'a.b', payload: { n: 1 } },
      { eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'clash' },
      { eventType: 'a.b', payload: { n: 2 }, idempotencyKey: 'clash' },
    ]);
    assert.equal(clash.statusCode, 409);
    assert.equal(errorCode(clash), 'idempotency_conflict');
    assert.deepEqual(
      bodyOf<{ error: { details: { indexes: number[] } } }>(clash).error.details.indexes,
      [1, 2],
    );
    assert.equal(await stored(), before, 'nothing of the refused batch is stored');

    // Keys are per tenant: one key in two tenants is two messages.
    const tenants = await batch([
      { eventType: 'a.b', payload: 1, tenant: 'acme', idempotencyKey: 'per-tenant' },
      { eventType: 'a.b', payload: 2, tenant: 'globex', idempotencyKey: 'per-tenant' },
    ]);
    assert.equal(tenants.statusCode, 202, tenants.body);
    assert.deepEqual(
      bodyOf<{ data: Item[] }>(tenants).data.map((item) => item.duplicate),
      [false, false],
    );
  });

  test('a key used before for a different request is a 409 naming the item, and stores nothing', async () => {
    const original = await batch([{ eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'earlier' }]);
    const originalId = bodyOf<{ data: Item[] }>(original).data[0]?.id;
    const replay = await batch([{ eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'earlier' }]);
    assert.deepEqual(bodyOf<{ data: Item[] }>(replay).data[0], {
      ...bodyOf<{ data: Item[] }>(replay).data[0],
      id: originalId,
      duplicate: true,
    });

    const messagesBefore = await stored();
    const deliveriesBefore = await deliveries();
    const changed = await batch([
      { eventType: 'a.b', payload: { n: 3 } },
      { eventType: 'a.b', payload: { n: 4 }, idempotencyKey: 'fresh-in-refused-batch' },
      { eventType: 'a.b', payload: { n: 2 }, idempotencyKey: 'earlier' },
    ]);
    assert.equal(changed.statusCode, 409);
    assert.equal(errorCode(changed), 'idempotency_conflict');
    const details = bodyOf<{
      error: { details: { conflicts: { index: number; messageId: string }[] } };
    }>(changed).error.details;
    assert.deepEqual(details.conflicts, [{ index: 2, messageId: originalId }]);
    // All or nothing: neither the keyless item nor the new key's item (nor their deliveries) stayed.
    assert.equal(await stored(), messagesBefore);
    assert.equal(await deliveries(), deliveriesBefore);
    // The refused batch's new key was not used up: it is free for a different request.
    const reused = await batch([
      { eventType: 'a.b', payload: { n: 5 }, idempotencyKey: 'fresh-in-refused-batch' },
    ]);
    assert.equal(reused.statusCode, 202, reused.body);
    assert.equal(bodyOf<{ data: Item[] }>(reused).data[0]?.duplicate, false);
  });

  test('a retried identical batch answers the same ids and stores nothing new', async () => {
    const items = [
      { eventType: 'a.b', payload: { n: 1 }, idempotencyKey: 'retry-1' },
      { eventType: 'a.c', payload: [2], idempotencyKey: 'retry-2', channels: ['eu'] },
      { eventType: 'a.b', payload: 'three', idempotencyKey: 'retry-3', eventId: 'evt_3' },
    ];
    const first = await batch(items);
    assert.equal(first.statusCode, 202, first.body);
    const firstData = bodyOf<{ data: Item[] }>(first).data;
    assert.deepEqual(
      firstData.map((item) => item.duplicate),
      [false, false, false],
    );
    const messagesBefore = await stored();
    const deliveriesBefore = await deliveries();
    const again = await batch(items);
    assert.equal(again.statusCode, 202, again.body);
    const againData = bodyOf<{ data: Item[] }>(again).data;
    assert.deepEqual(
      againData.map((item) => [item.id, item.duplicate]),
      firstData.map((item) => [item.id, true]),
    );
    assert.equal(await stored(), messagesBefore);
    assert.equal(await deliveries(), deliveriesBefore);
  });

  test('an Idempotency-Key header on the batch is refused: keys go per item', async () => {
    const response = await batch([{ eventType: 'a.b', payload: 1 }], { 'idempotency-key': 'whole-batch' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'validation_failed');
  });
});
