import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { newEndpoint, newMessage } from '../store/conformance/fixtures.ts';
import { startGatedDispatcher as setup, until } from '../test-support/gated-dispatcher.ts';

test('once an endpoint is known, a new message is handed to the local dispatcher in its own commit, never claimed', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint());
  const first = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  assert.equal(first.duplicate, false);
  await until(() => t.running.length === 1, 'the first attempt');
  assert.deepEqual(t.claimedIds, first.duplicate ? [] : first.deliveryIds, 'an unknown endpoint is claimed');
  t.running[0]?.finish();

  const second = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  assert.equal(second.duplicate, false);
  const handedId = second.duplicate ? '' : second.deliveryIds[0];
  await until(() => t.running.length === 2, 'the handed-over attempt');
  const run = t.running[1];
  assert.equal(run?.input.delivery.id, handedId);
  assert.equal(run?.input.attemptNumber, 1);
  assert.deepEqual(run?.input.message.body, newMessage().body);
  run?.finish();
  let delivery = await t.store.getDelivery(handedId ?? '');
  for (let i = 0; i < 20_000 && delivery?.status !== 'succeeded'; i++) {
    await nextTurn();
    delivery = await t.store.getDelivery(handedId ?? '');
  }
  assert.equal(delivery?.status, 'succeeded');
  assert.equal(delivery?.attemptCount, 1);
  assert.ok(!t.claimedIds.includes(handedId ?? ''), 'the handed-over delivery never went through a claim');
});

test('an endpoint at its concurrency limit is not handed more: the new delivery waits pending for a claim', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1 }));
  const first = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  await until(() => t.running.length === 1, 'the first attempt');
  assert.equal(first.duplicate, false);

  // The endpoint is known now and its one slot is busy.
  const second = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  const waitingId = second.duplicate ? '' : second.deliveryIds[0];
  assert.equal((await t.store.getDelivery(waitingId ?? ''))?.status, 'pending', 'left in the queue');
  for (let i = 0; i < 200; i++) await nextTurn();
  assert.equal(t.running.length, 1, 'the limit holds');

  t.running[0]?.finish();
  await until(() => t.running.length === 2, 'the second attempt after the slot freed');
  assert.equal(t.running[1]?.input.delivery.id, waitingId);
  assert.ok(t.claimedIds.includes(waitingId ?? ''), 'it came through the claim loop');
});

test('a stopped dispatcher takes nothing: deliveries inserted after stop() stay pending', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint());
  await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  await until(() => t.running.length === 1, 'the first attempt');
  t.running[0]?.finish();
  await t.dispatcher.stop(1_000);
  const later = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  const id = later.duplicate ? '' : later.deliveryIds[0];
  assert.equal((await t.store.getDelivery(id ?? ''))?.status, 'pending');
});
