import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { PruneResult, RetentionPolicy, Store } from '../store.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newMessage, result } from './fixtures.ts';

const DAY = 86_400_000;

async function pruneAll(
  store: Store,
  policy: RetentionPolicy,
): Promise<{ total: PruneResult; rounds: number }> {
  const total = { payloadsCleared: 0, attemptsDeleted: 0, deliveriesDeleted: 0 };
  for (let rounds = 1; rounds <= 1000; rounds++) {
    const batch = await store.prune(policy);
    total.payloadsCleared += batch.payloadsCleared;
    total.attemptsDeleted += batch.attemptsDeleted;
    total.deliveriesDeleted += batch.deliveriesDeleted;
    assert.ok(batch.payloadsCleared <= policy.batchSize && batch.attemptsDeleted <= policy.batchSize);
    assert.ok(batch.deliveriesDeleted <= policy.batchSize);
    if (batch.payloadsCleared + batch.attemptsDeleted + batch.deliveriesDeleted === 0)
      return { total, rounds };
  }
  throw new Error('prune never finished');
}

forEachEngine((engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(() => t.close());

  test('retention clears old payloads and finished rows in bounded batches, never unfinished deliveries', async () => {
    const { store, clock } = t;
    // 12 finished messages, then one each that is pending, in flight and failed (retry scheduled).
    const finished: string[] = [];
    for (let i = 0; i < 12; i++) {
      const m = await store.insertMessage(newMessage());
      const [c] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      assert.ok(c);
      await store.completeAttempts([result(c.delivery, c.leaseToken)]);
      finished.push(m.message.id);
    }
    const failing = await store.insertMessage(newMessage({ endpoints: ['ep_fail'] }));
    const [f] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    assert.ok(f);
    await store.completeAttempts([
      result(f.delivery, f.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() + 40 * DAY }),
    ]);
    const inFlight = await store.insertMessage(newMessage({ endpoints: ['ep_slow'] }));
    const [s] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 40 * DAY });
    assert.ok(s);
    const pending = await store.insertMessage(
      newMessage({
        deliveries: [{ endpointId: 'ep_later', maxAttempts: 3, nextAttemptAt: clock.now() + 40 * DAY }],
      }),
    );

    clock.advance(31 * DAY);
    const fresh = await store.insertMessage(newMessage({ endpoints: [] }));
    const policy: RetentionPolicy = {
      now: clock.now(),
      payloadRetentionMs: 30 * DAY,
      attemptRetentionMs: 30 * DAY,
      deliveryRetentionMs: 30 * DAY,
      batchSize: 5,
    };
    const { total, rounds } = await pruneAll(store, policy);
    assert.deepEqual(total, { payloadsCleared: 12, attemptsDeleted: 12, deliveriesDeleted: 12 });
    assert.ok(rounds >= 3, 'work was split into batches');

    for (const id of finished) {
      const m = await store.getMessage(id);
      assert.equal(m?.body, null, 'old finished payload cleared');
      assert.equal(m?.eventType, 'invoice.paid', 'the message itself is kept');
    }
    assert.notEqual((await store.getMessage(fresh.message.id))?.body, null);
    for (const [m, status] of [
      [failing, 'failed'],
      [inFlight, 'in_flight'],
      [pending, 'pending'],
    ] as const) {
      assert.notEqual((await store.getMessage(m.message.id))?.body, null, `${status} payload kept`);
      const [d] = (await store.listDeliveries({ messageId: m.message.id })).data;
      assert.equal(d?.status, status);
    }
    assert.equal(
      (await store.listAttempts({ deliveryId: f.delivery.id })).data.length,
      1,
      'attempts of a retrying delivery kept',
    );
    // The in-flight worker can still finish after cleanup.
    assert.deepEqual(await store.completeAttempts([result(s.delivery, s.leaseToken)]), [
      { deliveryId: s.delivery.id, accepted: true },
    ]);
    assert.equal(await errorCode(store.prune({ ...policy, batchSize: 0 })), 'invalid_argument');
  });
});
