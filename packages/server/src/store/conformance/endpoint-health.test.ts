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

  test('endpointHealth counts the window, finds the last success and failure, and counts unfinished deliveries', async () => {
    const { store, clock } = t;
    const endpoint = await store.createEndpoint(newEndpoint());
    const other = await store.createEndpoint(newEndpoint());
    const empty = await store.endpointHealth({ endpointId: endpoint.id, since: 0 });
    assert.deepEqual(empty, {
      attempts: 0,
      succeeded: 0,
      failed: 0,
      lastAttemptAt: null,
      lastSuccessAt: null,
      lastError: null,
      pending: 0,
    });

    const start = clock.now();
    // An old success, outside the window asked for below.
    await store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
    const [old] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    assert.ok(old);
    await store.completeAttempts([result(old.delivery, old.leaseToken)]);

    clock.advance(3_600_000);
    const windowStart = clock.now();
    for (let i = 0; i < 3; i++) {
      await store.insertMessage(newMessage({ endpoints: [endpoint.id, other.id] }));
    }
    const claims = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 60_000 });
    const mine = claims.filter((c) => c.delivery.endpointId === endpoint.id);
    assert.equal(mine.length, 3);
    const [a, b, c] = mine;
    assert.ok(a && b && c);
    await store.completeAttempts([result(a.delivery, a.leaseToken)]);
    clock.advance(1000);
    await store.completeAttempts([
      result(b.delivery, b.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() + 60_000 }),
    ]);
    clock.advance(1000);
    const failure = result(c.delivery, c.leaseToken, { kind: 'exhausted' });
    failure.attempt.errorKind = 'timeout';
    failure.attempt.responseStatus = null;
    failure.attempt.errorMessage = 'no answer within 15 s';
    await store.completeAttempts([failure]);
    const lastFailureAt = clock.now();
    // The other endpoint's attempts never count here.
    for (const claim of claims.filter((x) => x.delivery.endpointId === other.id)) {
      await store.completeAttempts([
        result(claim.delivery, claim.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() + 1 }),
      ]);
    }

    const health = await store.endpointHealth({ endpointId: endpoint.id, since: windowStart });
    assert.deepEqual(health, {
      attempts: 3,
      succeeded: 1,
      failed: 2,
      lastAttemptAt: lastFailureAt,
      lastSuccessAt: windowStart,
      lastError: { at: lastFailureAt, status: null, errorKind: 'timeout', message: 'no answer within 15 s' },
      // b waits for its retry; a succeeded and c is exhausted.
      pending: 1,
    });
    const wider = await store.endpointHealth({ endpointId: endpoint.id, since: start });
    assert.equal(wider.attempts, 4);
    assert.equal(wider.succeeded, 2);
    assert.deepEqual(await store.lastFailedAttempt(endpoint.id), health.lastError);
    assert.equal(await store.lastFailedAttempt('ep_none'), null);
    const otherHealth = await store.endpointHealth({ endpointId: other.id, since: windowStart });
    assert.equal(otherHealth.failed, 3);
    assert.equal(otherHealth.pending, 3);
    assert.equal(otherHealth.lastSuccessAt, null);
  });

  test('listFailingEndpoints: enabled with failingSince, or disabled with a reason; tenant filter', async () => {
    const { store } = t;
    const healthy = await store.createEndpoint(newEndpoint());
    const failing = await store.createEndpoint(newEndpoint({ tenant: 'acme' }));
    await store.updateEndpoint(failing.id, { failingSince: 1_700_000_000_000 });
    const disabled = await store.createEndpoint(
      newEndpoint({ disabled: true, disabledReason: 'receiver answered 410 Gone' }),
    );
    const paused = await store.createEndpoint(newEndpoint({ disabled: true, disabledReason: null }));
    const all = await store.listFailingEndpoints({ limit: 100 });
    const ids = all.map((e) => e.id);
    assert.ok(ids.includes(failing.id) && ids.includes(disabled.id));
    assert.ok(!ids.includes(healthy.id) && !ids.includes(paused.id));
    assert.deepEqual(ids, [...ids].sort());
    const acme = await store.listFailingEndpoints({ tenant: 'acme', limit: 100 });
    assert.deepEqual(
      acme.map((e) => e.id),
      [failing.id],
    );
    assert.equal((await store.listFailingEndpoints({ limit: 1 })).length, 1);
  });
});
