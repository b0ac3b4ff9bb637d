import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { newEndpoint, newMessage } from '../store/conformance/fixtures.ts';
import type { Store } from '../store/store.ts';
import { startGatedDispatcher, until } from '../test-support/gated-dispatcher.ts';
import { ENDPOINT_CHECK_MS } from './dispatcher.ts';

/** `count` messages to one endpoint in one commit, so one claim takes them all. */
async function backlog(store: Store, endpointId: string, count: number): Promise<string[]> {
  const outcomes = await store.insertMessages(
    Array.from({ length: count }, () => newMessage({ endpoints: [endpointId] })),
  );
  return outcomes.flatMap((o) => (o.duplicate ? [] : o.deliveryIds));
}

async function statuses(store: Store, endpointId: string): Promise<string[]> {
  const page = await store.listDeliveries({ endpointId, limit: 100 });
  return page.data.map((d) => `${d.status}/${d.attemptCount}`).sort();
}

/**
 * The endpoint's deliveries as `status/attemptCount`, once they are `expected` (results and give-backs
 * commit in their own time) or after 2,000 turns, whichever comes first: the caller asserts.
 */
async function settledStatuses(store: Store, endpointId: string, expected: string[]): Promise<string[]> {
  let seen = await statuses(store, endpointId);
  for (let i = 0; i < 2_000 && seen.join() !== expected.join(); i++) {
    await nextTurn();
    seen = await statuses(store, endpointId);
  }
  return seen;
}

test('a backlog behind a narrow endpoint is held only as deep as it can start soon; the rest goes back uncounted and each is sent once', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 16 });
  // One at a time with a 1 s deadline and no attempt seen yet: about one a second, five in 5 s.
  const narrow = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1, timeoutMs: 1_000 }));
  const ids = await backlog(t.store, narrow.id, 10);
  await until(() => t.running.length === 1, 'the narrow endpoint’s one attempt');
  // One in flight and five held; the four others are pending again with no attempt counted.
  await until(() => t.claimedIds.length >= 10, 'the first claim');
  const held = [...Array(6).fill('in_flight/1'), ...Array(4).fill('pending/0')];
  assert.deepEqual(await settledStatuses(t.store, narrow.id, held), held);
  // The worker still has room: another endpoint's message starts at once.
  const wide = await t.store.createEndpoint(newEndpoint());
  await t.store.insertMessage(newMessage({ endpoints: [wide.id] }));
  await until(() => t.running.some((r) => r.input.endpoint.id === wide.id), 'the other endpoint’s attempt');

  for (let sent = 0; sent < 10; sent++) {
    const next = () => t.running.find((r) => r.input.endpoint.id === narrow.id && !r.finished);
    await until(() => next() !== undefined, `narrow attempt ${sent + 1}`);
    next()?.finish();
  }
  await until(() => t.running.filter((r) => r.input.endpoint.id === narrow.id).length === 10, 'ten sends');
  const sent = t.running.filter((r) => r.input.endpoint.id === narrow.id);
  assert.deepEqual(sent.map((r) => r.input.delivery.id).sort(), [...ids].sort(), 'each delivery sent once');
  assert.ok(
    sent.every((r) => r.input.attemptNumber === 1),
    'giving back counted no attempt',
  );
});

test('a held job whose lease would end before its attempt does goes back instead of starting', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 8, leaseMs: 20_000 });
  const narrow = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1, timeoutMs: 5_000 }));
  const ids = await backlog(t.store, narrow.id, 3);
  await until(() => t.running.length === 1, 'the first attempt');
  // 16 s later the held claims have 4 s of lease left: not enough for a 5 s attempt.
  t.clock.advance(16_000);
  t.running[0]?.finish();
  for (let i = 1; i < 3; i++) {
    await until(() => t.running.length > i, `attempt ${i + 1}`);
    t.running[i]?.finish();
  }
  for (const run of t.running) {
    const expires = run.input.delivery.leaseExpiresAt ?? 0;
    assert.ok(
      expires >= run.startedAt + 5_000,
      `${run.input.delivery.id} started with its lease outlasting it`,
    );
  }
  assert.deepEqual(t.running.map((r) => r.input.delivery.id).sort(), [...ids].sort());
  assert.ok(t.running.every((r) => r.input.attemptNumber === 1));
});

test('held jobs start with their endpoint as it is now: a new URL is used, a disabled endpoint gets nothing', async (context) => {
  const t = await startGatedDispatcher(context, { concurrency: 8 });
  const narrow = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1 }));
  await backlog(t.store, narrow.id, 3);
  await until(() => t.running.length === 1, 'the first attempt');

  await t.store.updateEndpoint(narrow.id, { url: 'https://example.com/moved' });
  t.clock.advance(ENDPOINT_CHECK_MS);
  t.running[0]?.finish();
  await until(() => t.running.length === 2, 'the second attempt');
  assert.equal(t.running[1]?.input.endpoint.url, 'https://example.com/moved');

  await t.store.updateEndpoint(narrow.id, { disabled: true });
  t.clock.advance(ENDPOINT_CHECK_MS);
  t.running[1]?.finish();
  // The second result commits in its own time (the completion batcher): wait for it, then for the held
  // job to be given back, and check that nothing more was sent meanwhile.
  const expected = ['pending/0', 'succeeded/1', 'succeeded/1'];
  assert.deepEqual(await settledStatuses(t.store, narrow.id, expected), expected);
  for (let i = 0; i < 200; i++) await nextTurn();
  assert.equal(t.running.length, 2, 'the disabled endpoint’s held job is not sent');
  assert.ok(t.dispatcher.running, 'the loop alive');

  await t.store.updateEndpoint(narrow.id, { disabled: false });
  t.dispatcher.poke();
  await until(() => t.running.length === 3, 'the third attempt once enabled');
  assert.equal(t.running[2]?.input.attemptNumber, 1);
});
