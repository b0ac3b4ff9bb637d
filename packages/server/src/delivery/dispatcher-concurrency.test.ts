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

test('a result waiting for its commit keeps its worker slot, so what a crash leaves to resend stays within concurrency', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 2, holdCommits: true });
  await publishToNewEndpoints(t.store, 4);
  await until(() => t.running.length === 2, 'the first two attempts');
  t.running[0]?.finish();
  t.running[1]?.finish();
  // Both receivers answered, but neither result is committed (the store holds them): nothing more starts.
  for (let i = 0; i < 500; i++) await nextTurn();
  assert.equal(t.running.length, 2, 'uncommitted results hold the worker');

  t.commitHeld();
  await until(() => t.running.length === 4, 'the next two attempts once the results are committed');
  for (const run of t.running.slice(0, 2)) {
    assert.equal((await t.store.getDelivery(run.input.delivery.id))?.status, 'succeeded');
  }
});

test('jobs held behind a busy endpoint count against the worker while held, and no longer once started', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 3 });
  // A 1 s deadline: the endpoint is expected to start a few per second, so it may hold a few.
  const narrow = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1, timeoutMs: 1_000 }));
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
