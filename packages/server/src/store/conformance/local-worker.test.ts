import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { ClaimedDelivery } from '../store.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { fakeWorker, newMessage, result } from './fixtures.ts';

forEachEngine((engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(() => t.close());

  test('a due delivery the local worker reserves is stored already claimed by it and handed over after the commit; the others wait for a claim', async () => {
    const { store, clock } = t;
    const { worker, calls } = fakeWorker(['ep_a', 'ep_later']);
    store.attachLocalWorker?.(worker);
    const later = clock.now() + 60_000;
    const input = newMessage({ endpoints: ['ep_a', 'ep_b'] });
    input.deliveries.push({ endpointId: 'ep_later', maxAttempts: 5, nextAttemptAt: later });
    const outcome = await store.insertMessage(input);
    assert.equal(outcome.duplicate, false);

    assert.deepEqual(calls.reserved, ['ep_a'], 'only due deliveries are offered');
    assert.equal(calls.taken.length, 1);
    const [handed] = calls.taken;
    assert.equal(handed?.message.id, outcome.message.id);
    assert.deepEqual(handed?.message.body, input.body);
    assert.equal(handed?.claims.length, 1);
    const claim = handed?.claims[0] as ClaimedDelivery;
    assert.equal(claim.delivery.endpointId, 'ep_a');
    assert.equal(claim.leaseToken, 1);
    assert.deepEqual(claim.delivery, await store.getDelivery(claim.delivery.id), 'handed over as stored');
    assert.equal(claim.delivery.status, 'in_flight');
    assert.equal(claim.delivery.attemptCount, 1);
    assert.equal(claim.delivery.leaseExpiresAt, clock.now() + 60_000);

    // The claim loop gets only what was not handed over, and never the handed-over row while leased.
    const claimed = await store.claimDeliveries({ workerId: 'worker-local', limit: 10, leaseMs: 60_000 });
    assert.deepEqual(
      claimed.map((c) => c.delivery.endpointId),
      ['ep_b'],
    );
    const [accepted] = await store.completeAttempts([result(claim.delivery, claim.leaseToken)]);
    assert.equal(accepted?.accepted, true, 'the handed-over lease completes like a claimed one');
    assert.equal((await store.getDelivery(claim.delivery.id))?.status, 'succeeded');
    assert.deepEqual(calls.cancelled, []);
  });

  test('a handed-over lease that expires is reclaimed like any claim, and the late result is refused', async () => {
    const { store, clock } = t;
    const { worker, calls } = fakeWorker(['ep_a']);
    store.attachLocalWorker?.(worker);
    await store.insertMessage(newMessage({ endpoints: ['ep_a'] }));
    const claim = calls.taken[0]?.claims[0] as ClaimedDelivery;
    clock.advance(60_000);
    const [again] = await store.claimDeliveries({ workerId: 'worker-other', limit: 10, leaseMs: 60_000 });
    assert.equal(again?.delivery.id, claim.delivery.id);
    assert.equal(again?.leaseToken, 2);
    assert.equal(again?.delivery.attemptCount, 2, 'the lost attempt was counted');
    const [late] = await store.completeAttempts([result(claim.delivery, claim.leaseToken)]);
    assert.equal(late?.accepted, false);
  });

  test('one local worker at a time; once detached, inserts no longer offer it anything', async () => {
    const { store } = t;
    const { worker, calls } = fakeWorker(['ep_a']);
    const detach = store.attachLocalWorker?.(worker);
    assert.throws(() => store.attachLocalWorker?.(fakeWorker([]).worker), { code: 'conflict' });
    detach?.();
    await store.insertMessage(newMessage({ endpoints: ['ep_a'] }));
    assert.deepEqual(calls.reserved, []);
    const [pending] = (await store.listDeliveries({})).data;
    assert.equal(pending?.status, 'pending');
  });

  test('a duplicate hands nothing over and leaves no reservation behind', async () => {
    const { store } = t;
    const { worker, calls, outstanding } = fakeWorker(['ep_a']);
    store.attachLocalWorker?.(worker);
    const first = await store.insertMessage(newMessage({ endpoints: ['ep_a'], idempotencyKey: 'once' }));
    const again = await store.insertMessage(newMessage({ endpoints: ['ep_a'], idempotencyKey: 'once' }));
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.equal(calls.taken.length, 1, 'only the stored message was handed over');
    assert.equal(outstanding(), 0, 'every reservation was taken or cancelled');
    assert.equal((await store.listDeliveries({})).data.length, 1);
  });
});
