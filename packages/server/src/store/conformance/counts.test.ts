import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newMessage, result } from './fixtures.ts';

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  test('countDeliveries buckets messages, successes, failures and the p95 of successful durations', async () => {
    const { store, clock } = t;
    const start = clock.now();
    // Bucket 0: 3 messages to ep_a (+1 to ep_b), 20 successes with durations 1..20 ms, 2 failures.
    for (let i = 0; i < 3; i++)
      await store.insertMessage(newMessage({ endpoints: i === 0 ? ['ep_a', 'ep_b'] : ['ep_a'] }));
    const claims = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 60_000 });
    assert.equal(claims.length, 4);
    const [c0, c1] = claims;
    assert.ok(c0 && c1);
    for (let ms = 1; ms <= 20; ms++) {
      const r = result(c0.delivery, 0);
      await store.recordManualAttempt({ ...r.attempt, durationMs: ms });
    }
    await store.completeAttempts([
      result(c1.delivery, c1.leaseToken, { kind: 'retry', nextAttemptAt: start + 1e6 }),
      result(c0.delivery, c0.leaseToken, { kind: 'retry', nextAttemptAt: start + 1e6 }),
    ]);
    // Bucket 1: one message, nothing attempted.
    clock.advance(60_000);
    await store.insertMessage(newMessage({ tenant: 'acme', endpoints: ['ep_a'] }));

    const buckets = await store.countDeliveries({ since: start, until: start + 180_000, bucketMs: 60_000 });
    assert.deepEqual(buckets, [
      { start, messages: 3, succeeded: 20, failed: 2, p95DurationMs: 19 },
      { start: start + 60_000, messages: 1, succeeded: 0, failed: 0, p95DurationMs: null },
      { start: start + 120_000, messages: 0, succeeded: 0, failed: 0, p95DurationMs: null },
    ]);
    const forB = await store.countDeliveries({
      since: start,
      until: start + 60_000,
      bucketMs: 60_000,
      endpointId: 'ep_b',
    });
    assert.equal(forB[0]?.messages, 1);
    const acme = await store.countDeliveries({
      since: start,
      until: start + 120_000,
      bucketMs: 60_000,
      tenant: 'acme',
    });
    assert.deepEqual(
      acme.map((b) => [b.messages, b.succeeded + b.failed]),
      [
        [0, 0],
        [1, 0],
      ],
    );
    assert.equal(
      await errorCode(store.countDeliveries({ since: start, until: start, bucketMs: 1 })),
      'invalid_argument',
    );
  });
});
