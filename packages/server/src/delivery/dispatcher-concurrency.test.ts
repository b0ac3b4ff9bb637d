import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { newEndpoint, newMessage } from '../store/conformance/fixtures.ts';
import type { Store } from '../store/store.ts';
import { startGatedDispatcher, until } from '../test-support/gated-dispatcher.ts';

/** One message to each of `count` endpoints of their own, so no endpoint's limit is what binds. */
async function publishToNewEndpoints(store: Store, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const endpoint = await store.createEndpoint(newEndpoint());
    await store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  }
}

test('an attempt whose result waits for its commit no longer holds a concurrency slot', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 2, holdCommits: true });
  let mostOpen = 0;
  const watch = () => {
    mostOpen = Math.max(mostOpen, t.open());
    return false;
  };
  await publishToNewEndpoints(t.store, 4);
  await until(() => watch() || t.running.length === 2, 'the first two attempts');
  t.running[0]?.finish();
  t.running[1]?.finish();
  // Neither result is committed (the store holds them), yet the receivers are free for the next two.
  await until(() => watch() || t.running.length === 4, 'two more attempts while the commits wait');
  for (let i = 0; i < 200; i++) {
    watch();
    await nextTurn();
  }
  assert.equal(mostOpen, 2, 'never more than `concurrency` attempts at receivers');

  t.commitHeld();
  t.running[2]?.finish();
  t.running[3]?.finish();
  for (const run of t.running) {
    const id = run.input.delivery.id;
    let status = (await t.store.getDelivery(id))?.status;
    for (let i = 0; i < 20_000 && status !== 'succeeded'; i++) {
      await nextTurn();
      status = (await t.store.getDelivery(id))?.status;
    }
    assert.equal(status, 'succeeded', `${id} is committed once the store answers`);
  }
});

test('results waiting for their commit are bounded: no more than concurrency × 4 deliveries are started', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 1, holdCommits: true });
  await publishToNewEndpoints(t.store, 6);
  for (let started = 0; started < 4; started++) {
    await until(() => t.running.length > started, `attempt ${started + 1}`);
    t.running[started]?.finish();
  }
  for (let i = 0; i < 500; i++) await nextTurn();
  assert.equal(
    t.running.length,
    4,
    'four results wait for a store that does not commit: nothing more starts',
  );

  t.commitHeld();
  await until(() => t.running.length === 5, 'the fifth attempt once the commits are through');
  t.running[4]?.finish();
  await until(() => t.running.length === 6, 'the sixth attempt');
  assert.equal(t.open(), 1);
});

test('jobs held behind a busy endpoint count against the worker while held, and no longer once started', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 3 });
  const narrow = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1 }));
  // One commit, so one claim takes all three: one starts, two are held behind the endpoint's limit.
  const batch = [1, 2, 3].map(() => newMessage({ endpoints: [narrow.id] }));
  await t.store.insertMessages(batch);
  await until(() => t.running.length === 1, 'the narrow endpoint’s one attempt');
  // One attempt and two held jobs fill the worker: a message to another endpoint waits.
  const wide = await t.store.createEndpoint(newEndpoint());
  await t.store.insertMessage(newMessage({ endpoints: [wide.id] }));
  for (let i = 0; i < 200; i++) await nextTurn();
  assert.equal(t.running.length, 1, 'a full worker starts nothing more');

  for (let i = 0; i < 3; i++) {
    await until(() => t.running.length > i, `narrow attempt ${i + 1}`);
    t.running[i]?.finish();
  }
  await until(() => t.running.length === 4, 'the other endpoint’s attempt');
  // Everything held was started and finished: the worker has its three slots again.
  await until(() => t.open() === 1, 'the narrow attempts done');
  for (let i = 0; i < 2; i++) await t.store.insertMessage(newMessage({ endpoints: [wide.id] }));
  await until(() => t.open() === 3, 'three attempts at once');
});
