import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from './engines.ts';
import { newEndpoint, newMessage, result } from './fixtures.ts';

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  test('a successful manual attempt settles an exhausted delivery and stops the failing clock; a failed one neither', async () => {
    const { store, clock } = t;
    const endpoint = await store.createEndpoint(newEndpoint());
    await store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
    await store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
    const [exhaust, retry] = await store.claimDeliveries({ workerId: 'w', limit: 2, leaseMs: 60_000 });
    assert.ok(exhaust && retry);
    const nextAttemptAt = clock.now() + 300_000;
    await store.completeAttempts([
      result(
        exhaust.delivery,
        exhaust.leaseToken,
        { kind: 'exhausted' },
        { endpoint: { effect: 'failure' } },
      ),
      result(
        retry.delivery,
        retry.leaseToken,
        { kind: 'retry', nextAttemptAt },
        { endpoint: { effect: 'failure' } },
      ),
    ]);
    const failingSince = clock.now();
    assert.equal((await store.getEndpoint(endpoint.id))?.failingSince, failingSince);
    const manual = (delivery: typeof exhaust.delivery, ok: boolean) => {
      const base = result(delivery, 0, ok ? { kind: 'succeeded' } : { kind: 'exhausted' }).attempt;
      return store.recordManualAttempt({ ...base, trigger: 'manual' });
    };

    clock.advance(60_000);
    await manual(exhaust.delivery, false);
    const stillExhausted = await store.getDelivery(exhaust.delivery.id);
    assert.equal(stillExhausted?.status, 'exhausted');
    assert.equal((await store.getEndpoint(endpoint.id))?.failingSince, failingSince);

    clock.advance(60_000);
    await manual(exhaust.delivery, true);
    const settled = await store.getDelivery(exhaust.delivery.id);
    assert.equal(settled?.status, 'succeeded');
    assert.equal(settled?.completedAt, clock.now());
    assert.equal(settled?.lastStatusCode, 200);
    assert.equal(settled?.lastError, null);
    assert.equal(
      settled?.attemptCount,
      stillExhausted?.attemptCount,
      'a manual attempt is not a scheduled one',
    );
    assert.equal((await store.getEndpoint(endpoint.id))?.failingSince, null);

    // A delivery with a retry still scheduled keeps it: the resend does not disturb the schedule.
    const before = await store.getDelivery(retry.delivery.id);
    assert.ok(before);
    await manual(retry.delivery, true);
    assert.deepEqual(await store.getDelivery(retry.delivery.id), {
      ...before,
      manualAttempts: before.manualAttempts + 1,
    });
    const attempts = await store.listAttempts({ deliveryId: exhaust.delivery.id });
    assert.deepEqual(attempts.data.map((a) => a.trigger).sort(), ['manual', 'manual', 'scheduled']);
  });

  test('attempt numbers follow every attempt of a delivery, resends included, and never repeat', async () => {
    const { store, clock } = t;
    const endpoint = await store.createEndpoint(newEndpoint());
    await store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
    const numbers: [string, number][] = [];
    const scheduled = async () => {
      clock.advance(1_000);
      const [claim] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
      assert.ok(claim);
      // The worker numbers a claimed attempt from the claimed row (dispatcher.ts).
      const number = claim.delivery.attemptCount + claim.delivery.manualAttempts;
      const done = result(claim.delivery, claim.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() });
      await store.completeAttempts([{ ...done, attempt: { ...done.attempt, attemptNumber: number } }]);
      numbers.push(['scheduled', number]);
      return claim.delivery;
    };
    const resend = async (delivery: Parameters<typeof result>[0]) => {
      // Whatever number the caller guessed, the store gives the resend its own.
      const base = result(delivery, 0, { kind: 'exhausted' }).attempt;
      const recorded = await store.recordManualAttempt({ ...base, trigger: 'manual', attemptNumber: 1 });
      numbers.push(['manual', recorded.attemptNumber]);
    };
    const first = await scheduled();
    await scheduled();
    await resend(first);
    await resend(first);
    const third = await scheduled();
    assert.equal(third.attemptCount, 3, 'resends do not move the retry schedule on');
    assert.equal(third.manualAttempts, 2);
    await resend(first);
    assert.deepEqual(numbers, [
      ['scheduled', 1],
      ['scheduled', 2],
      ['manual', 3],
      ['manual', 4],
      ['scheduled', 5],
      ['manual', 6],
    ]);
    const stored = await store.listAttempts({ deliveryId: first.id });
    assert.deepEqual(
      stored.data.map((a) => a.attemptNumber).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6],
    );
  });
});
