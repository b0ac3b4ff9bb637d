import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { Store } from '../store.ts';
import type { Delivery } from '../types.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newEndpoint, newMessage, result } from './fixtures.ts';

async function deliveryOf(store: Store, messageId: string): Promise<Delivery> {
  const [delivery] = (await store.listDeliveries({ messageId })).data;
  assert.ok(delivery);
  return delivery;
}

forEachEngine((engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(() => t.close());

  test('a claim leases due deliveries oldest first, bumping attemptCount and the fencing token', async () => {
    const { store, clock } = t;
    const late = await store.insertMessage(
      newMessage({
        deliveries: [{ endpointId: 'ep_a', maxAttempts: 3, nextAttemptAt: clock.now() + 10_000 }],
      }),
    );
    const early = await store.insertMessage(newMessage());
    const claims = await store.claimDeliveries({ workerId: 'w1', limit: 10, leaseMs: 30_000 });
    assert.equal(claims.length, 1);
    const [claim] = claims;
    assert.equal(claim?.delivery.messageId, early.message.id);
    assert.equal(claim?.delivery.status, 'in_flight');
    assert.equal(claim?.delivery.attemptCount, 1);
    assert.equal(claim?.delivery.leaseExpiresAt, clock.now() + 30_000);
    assert.equal(claim?.leaseToken, claim?.delivery.leaseToken);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'w2', limit: 10, leaseMs: 30_000 }), []);
    assert.equal(await store.nextDueAt(), clock.now() + 10_000);
    clock.advance(10_000);
    const second = await store.claimDeliveries({ workerId: 'w2', limit: 10, leaseMs: 30_000 });
    assert.deepEqual(
      second.map((c) => c.delivery.messageId),
      [late.message.id],
    );
  });

  test('success, retry and exhaustion move the delivery and always write the attempt', async () => {
    const { store, clock } = t;
    const m = await store.insertMessage(newMessage({ deliveries: [{ endpointId: 'ep_a', maxAttempts: 2 }] }));
    const [c1] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c1);
    const retryAt = clock.now() + 5000;
    assert.deepEqual(
      await store.completeAttempts([
        result(c1.delivery, c1.leaseToken, { kind: 'retry', nextAttemptAt: retryAt }),
      ]),
      [{ deliveryId: c1.delivery.id, accepted: true }],
    );
    let d = await deliveryOf(store, m.message.id);
    assert.equal(d.status, 'failed');
    assert.equal(d.nextAttemptAt, retryAt);
    assert.equal(d.lastStatusCode, 500);
    assert.equal(d.lastError, 'HTTP 500');
    assert.equal(d.leaseExpiresAt, null);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 }), []);
    clock.advance(5000);
    const [c2] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c2);
    assert.equal(c2.delivery.attemptCount, 2);
    await store.completeAttempts([result(c2.delivery, c2.leaseToken, { kind: 'exhausted' })]);
    d = await deliveryOf(store, m.message.id);
    assert.equal(d.status, 'exhausted');
    assert.equal(d.completedAt, clock.now());
    const attempts = await store.listAttempts({ deliveryId: d.id });
    assert.deepEqual(
      attempts.data.map((a) => a.attemptNumber),
      [2, 1],
    );
    assert.equal(attempts.data[0]?.trigger, 'scheduled');
    assert.deepEqual(attempts.data[0]?.requestHeaders, { 'webhook-id': m.message.id });
  });

  test('a worker killed mid-lease: the lease expires, another worker finishes, the late result is refused', async () => {
    const { store, clock } = t;
    const m = await store.insertMessage(newMessage({ deliveries: [{ endpointId: 'ep_a', maxAttempts: 3 }] }));
    const [dead] = await store.claimDeliveries({ workerId: 'dead', limit: 1, leaseMs: 30_000 });
    assert.ok(dead);
    clock.advance(29_999);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'alive', limit: 1, leaseMs: 30_000 }), []);
    clock.advance(1);
    const [alive] = await store.claimDeliveries({ workerId: 'alive', limit: 1, leaseMs: 30_000 });
    assert.ok(alive);
    assert.equal(alive.delivery.id, dead.delivery.id);
    assert.equal(alive.delivery.attemptCount, 2, 'the expired lease counted its attempt');
    assert.ok(alive.leaseToken > dead.leaseToken);
    assert.deepEqual(await store.completeAttempts([result(alive.delivery, alive.leaseToken)]), [
      { deliveryId: alive.delivery.id, accepted: true },
    ]);
    const late = await store.completeAttempts([
      result(dead.delivery, dead.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() }),
    ]);
    assert.deepEqual(late, [{ deliveryId: dead.delivery.id, accepted: false }]);
    const d = await deliveryOf(store, m.message.id);
    assert.equal(d.status, 'succeeded');
    assert.equal(d.lastStatusCode, 200);
    assert.equal(
      (await store.listAttempts({ deliveryId: d.id })).data.length,
      2,
      'the refused attempt is still on record',
    );
  });

  test('an expired lease with no attempts left becomes exhausted instead of looping', async () => {
    const { store, clock } = t;
    const m = await store.insertMessage(newMessage({ deliveries: [{ endpointId: 'ep_a', maxAttempts: 1 }] }));
    assert.equal((await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 1000 })).length, 1);
    clock.advance(1000);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 1000 }), []);
    const d = await deliveryOf(store, m.message.id);
    assert.equal(d.status, 'exhausted');
    assert.equal(await store.nextDueAt(), null);
  });

  test('release gives claims back uncounted; a stale token releases nothing', async () => {
    const { store } = t;
    await store.insertMessage(newMessage());
    const [c] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c);
    assert.equal(
      await store.releaseDeliveries([{ deliveryId: c.delivery.id, leaseToken: c.leaseToken + 1 }]),
      0,
    );
    assert.equal(await store.releaseDeliveries([{ deliveryId: c.delivery.id, leaseToken: c.leaseToken }]), 1);
    const d = await store.getDelivery(c.delivery.id);
    assert.equal(d?.status, 'pending');
    assert.equal(d?.attemptCount, 0);
    const [again] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.equal(again?.delivery.attemptCount, 1);
    assert.equal(await store.releaseDeliveries([{ deliveryId: c.delivery.id, leaseToken: c.leaseToken }]), 0);
  });

  test('excluded and disabled endpoints are skipped; deleting an endpoint cancels its deliveries', async () => {
    const { store } = t;
    const off = await store.createEndpoint(newEndpoint({ disabled: true }));
    const on = await store.createEndpoint(newEndpoint());
    await store.insertMessage(newMessage({ endpoints: [off.id, on.id, 'ep_busy'] }));
    const claims = await store.claimDeliveries({
      workerId: 'w',
      limit: 10,
      leaseMs: 30_000,
      excludeEndpoints: ['ep_busy'],
    });
    assert.deepEqual(
      claims.map((c) => c.delivery.endpointId),
      [on.id],
    );
    await store.updateEndpoint(off.id, { disabled: false });
    const more = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 30_000 });
    assert.deepEqual(more.map((c) => c.delivery.endpointId).sort(), [off.id, 'ep_busy'].sort());
    await store.deleteEndpoint(on.id);
    const cancelled = claims[0];
    assert.ok(cancelled);
    assert.equal((await store.getDelivery(cancelled.delivery.id))?.status, 'cancelled');
    assert.deepEqual(await store.completeAttempts([result(cancelled.delivery, cancelled.leaseToken)]), [
      { deliveryId: cancelled.delivery.id, accepted: false },
    ]);
  });

  test('endpoint health effects: failure sets failingSince once, success clears it, disable disables', async () => {
    const { store, clock } = t;
    const ep = await store.createEndpoint(newEndpoint());
    await store.insertMessages([
      newMessage({ endpoints: [ep.id] }),
      newMessage({ endpoints: [ep.id] }),
      newMessage({ endpoints: [ep.id] }),
    ]);
    const [a, b, c] = await store.claimDeliveries({ workerId: 'w', limit: 3, leaseMs: 30_000 });
    assert.ok(a && b && c);
    const failedAt = clock.now();
    await store.completeAttempts([
      result(
        a.delivery,
        a.leaseToken,
        { kind: 'retry', nextAttemptAt: failedAt + 1e6 },
        { endpoint: { effect: 'failure' } },
      ),
    ]);
    assert.equal((await store.getEndpoint(ep.id))?.failingSince, failedAt);
    clock.advance(100);
    await store.completeAttempts([
      result(
        b.delivery,
        b.leaseToken,
        { kind: 'retry', nextAttemptAt: failedAt + 1e6 },
        { endpoint: { effect: 'failure' } },
      ),
    ]);
    assert.equal(
      (await store.getEndpoint(ep.id))?.failingSince,
      failedAt,
      'the run of failures keeps its start',
    );
    await store.completeAttempts([
      result(c.delivery, c.leaseToken, { kind: 'succeeded' }, { endpoint: { effect: 'success' } }),
    ]);
    assert.equal((await store.getEndpoint(ep.id))?.failingSince, null);
    const version = await store.endpointsVersion();
    await store.insertMessage(newMessage({ endpoints: [ep.id] }));
    const [d] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(d);
    await store.completeAttempts([
      result(
        d.delivery,
        d.leaseToken,
        { kind: 'exhausted' },
        { endpoint: { effect: 'disable', reason: 'HTTP 410' } },
      ),
    ]);
    const disabled = await store.getEndpoint(ep.id);
    assert.equal(disabled?.disabled, true);
    assert.equal(disabled?.disabledReason, 'HTTP 410');
    assert.ok((await store.endpointsVersion()) > version);
  });

  test('cancel reaches a delivery in flight: its result is refused, written, and schedules no retry', async () => {
    const { store, clock } = t;
    const m = await store.insertMessage(newMessage({ deliveries: [{ endpointId: 'ep_a', maxAttempts: 5 }] }));
    const [c] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c);
    assert.equal(await store.cancelDeliveries({ deliveryId: c.delivery.id }), 1);
    const cancelled = await store.getDelivery(c.delivery.id);
    assert.equal(cancelled?.status, 'cancelled');
    assert.deepEqual(
      await store.completeAttempts([
        result(c.delivery, c.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() + 1_000 }),
      ]),
      [{ deliveryId: c.delivery.id, accepted: false }],
    );
    assert.deepEqual(await store.getDelivery(c.delivery.id), cancelled, 'the late result moved nothing');
    assert.equal(
      (await store.listAttempts({ messageId: m.message.id })).data.length,
      1,
      'the attempt happened',
    );
    // Never claimed again, not even once its lease would have run out.
    clock.advance(60_000);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'w2', limit: 10, leaseMs: 30_000 }), []);
    assert.equal(await store.releaseDeliveries([{ deliveryId: c.delivery.id, leaseToken: c.leaseToken }]), 0);
  });

  test('recover, cancel, ensureDelivery and manual attempts', async () => {
    const { store, clock } = t;
    const m = await store.insertMessage(newMessage({ deliveries: [{ endpointId: 'ep_a', maxAttempts: 1 }] }));
    const [c] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c);
    await store.completeAttempts([result(c.delivery, c.leaseToken, { kind: 'exhausted' })]);
    assert.equal(
      await store.recoverDeliveries({ endpointId: 'ep_a', since: 0, until: clock.now() }),
      0,
      'until is exclusive',
    );
    assert.equal(await store.recoverDeliveries({ endpointId: 'ep_a', since: 0, until: clock.now() + 1 }), 1);
    const recovered = await store.getDelivery(c.delivery.id);
    assert.equal(recovered?.status, 'pending');
    const [again] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.equal(again?.delivery.id, c.delivery.id);
    assert.ok(again);
    await store.completeAttempts([
      result(again.delivery, again.leaseToken, { kind: 'retry', nextAttemptAt: clock.now() + 1e6 }),
    ]);
    assert.equal(await store.cancelDeliveries({ messageId: m.message.id }), 1);
    assert.equal((await store.getDelivery(c.delivery.id))?.status, 'cancelled');

    const added = await store.ensureDelivery(m.message.id, 'ep_new', 4);
    assert.equal(added.status, 'pending');
    assert.equal(added.maxAttempts, 4);
    assert.equal((await store.ensureDelivery(m.message.id, 'ep_new', 9)).id, added.id);
    assert.equal(await errorCode(store.ensureDelivery('msg_missing', 'ep_new', 1)), 'not_found');

    const before = await store.getDelivery(added.id);
    const manual = await store.recordManualAttempt({ ...result(added, 0).attempt, trigger: 'manual' });
    assert.equal(manual.trigger, 'manual');
    assert.ok(before);
    assert.deepEqual(
      await store.getDelivery(added.id),
      { ...before, manualAttempts: before.manualAttempts + 1 },
      'a manual resend leaves the schedule alone: only the resends are counted',
    );
    assert.equal(manual.attemptNumber, 1, 'the first attempt of a delivery never tried');
    assert.equal((await store.listAttempts({ deliveryId: added.id })).data[0]?.id, manual.id);
    // A resend to an endpoint the message never went to: created never due, so never claimed, and the
    // manual attempt's outcome becomes its final state. Only that delivery: a scheduled one is untouched.
    const unscheduled = await store.ensureDelivery(m.message.id, 'ep_manual', 4, { scheduled: false });
    assert.equal(unscheduled.status, 'pending');
    assert.equal(unscheduled.nextAttemptAt, null);
    const claimable = await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 30_000 });
    assert.deepEqual(
      claimable.map((c) => c.delivery.endpointId),
      ['ep_new'],
      'the scheduled delivery is claimed, the unscheduled one is not',
    );
    await store.recordManualAttempt({ ...result(unscheduled, 0).attempt, trigger: 'manual' });
    const settled = await store.getDelivery(unscheduled.id);
    assert.equal(settled?.status, 'succeeded');
    assert.equal(settled?.attemptCount, 1);
    assert.equal(settled?.manualAttempts, 0, 'the resend is the delivery it created: its first attempt');
    assert.deepEqual(
      (await store.listAttempts({ deliveryId: unscheduled.id })).data.map((a) => a.attemptNumber),
      [1],
    );
    assert.equal(settled?.nextAttemptAt, null);
    const failing = await store.ensureDelivery(m.message.id, 'ep_manual_fail', 4, { scheduled: false });
    await store.recordManualAttempt({
      ...result(failing, 0, { kind: 'exhausted' }).attempt,
      trigger: 'manual',
    });
    const failed = await store.getDelivery(failing.id);
    assert.equal(failed?.status, 'exhausted', 'a failed manual send is final and recoverable');
    assert.equal(failed?.lastError, 'HTTP 500');
  });

  test('onWork fires on insert, release and recover; unsubscribe stops it', async () => {
    const { store } = t;
    let calls = 0;
    const off = store.onWork(() => {
      calls++;
    });
    await store.insertMessage(newMessage());
    assert.ok(calls >= 1);
    const afterInsert = calls;
    const [c] = await store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 30_000 });
    assert.ok(c);
    await store.releaseDeliveries([{ deliveryId: c.delivery.id, leaseToken: c.leaseToken }]);
    assert.ok(calls > afterInsert);
    off();
    const afterOff = calls;
    await store.insertMessage(newMessage());
    assert.equal(calls, afterOff);
  });

  test('queueDepth counts due work and the oldest due time', async () => {
    const { store, clock } = t;
    const start = clock.now();
    await store.insertMessage(newMessage({ endpoints: ['a', 'b'] }));
    clock.advance(500);
    await store.insertMessage(
      newMessage({ deliveries: [{ endpointId: 'c', maxAttempts: 1, nextAttemptAt: clock.now() + 60_000 }] }),
    );
    assert.deepEqual(await store.queueDepth(clock.now()), { due: 2, oldestDueAt: start });
    assert.deepEqual(await store.queueDepth(clock.now() + 60_000), { due: 3, oldestDueAt: start });
  });
});
