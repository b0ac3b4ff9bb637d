import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from '../store/conformance/engines.ts';
import { newEndpoint, newMessage, result } from '../store/conformance/fixtures.ts';
import type { Endpoint } from '../store/types.ts';
import { sweepEndpointHealth } from './health-sweep.ts';

const DAY = 86_400_000;
const DISABLE_AFTER = 5 * DAY;

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open();
  });
  after(() => t.close());

  /** One attempt of a fresh message to the endpoint, failed or not, committed at the clock's time. */
  async function attempt(endpointId: string, ok: boolean): Promise<void> {
    await t.store.insertMessage(newMessage({ endpoints: [endpointId] }));
    const [claim] = await t.store.claimDeliveries({ workerId: 'w', limit: 1, leaseMs: 60_000 });
    assert.ok(claim);
    const outcome = ok ? { kind: 'succeeded' as const } : { kind: 'exhausted' as const };
    await t.store.completeAttempts([
      result(claim.delivery, claim.leaseToken, outcome, { endpoint: { effect: ok ? 'success' : 'failure' } }),
    ]);
  }

  async function sweep(): Promise<{ ids: string[]; events: [Endpoint, string][] }> {
    const events: [Endpoint, string][] = [];
    const ids = await sweepEndpointHealth({
      store: t.store,
      clock: t.clock.now,
      disableAfterMs: DISABLE_AFTER,
      onDisabled: (endpoint, reason) => {
        events.push([endpoint, reason]);
      },
    });
    return { ids, events };
  }

  test('silence after a failure never disables; a failure five days after the first one does', async () => {
    const endpoint = await t.store.createEndpoint(newEndpoint());
    const firstFailure = t.clock.now();
    await attempt(endpoint.id, false);
    assert.equal((await t.store.getEndpoint(endpoint.id))?.failingSince, firstFailure);

    // Its retries ran out and nothing was sent since: six days of silence prove nothing.
    t.clock.advance(6 * DAY);
    assert.deepEqual((await sweep()).ids, []);
    assert.equal((await t.store.getEndpoint(endpoint.id))?.disabled, false);

    // Traffic again, still failing, more than five days after the first failure: now it is down.
    await attempt(endpoint.id, false);
    const { ids, events } = await sweep();
    assert.deepEqual(ids, [endpoint.id]);
    const stored = await t.store.getEndpoint(endpoint.id);
    assert.equal(stored?.disabled, true);
    assert.match(stored?.disabledReason ?? '', /^every attempt failed for 6 days, from /);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.[0].id, endpoint.id);
    // Disabled endpoints are not swept again.
    t.clock.advance(DAY);
    assert.deepEqual((await sweep()).ids, []);
  });

  test('a success resets the clock; failures spanning less than the period keep the endpoint', async () => {
    const endpoint = await t.store.createEndpoint(newEndpoint());
    await attempt(endpoint.id, false);
    t.clock.advance(2 * DAY);
    await attempt(endpoint.id, true);
    assert.equal((await t.store.getEndpoint(endpoint.id))?.failingSince, null);

    t.clock.advance(DAY);
    const failingFrom = t.clock.now();
    await attempt(endpoint.id, false);
    // Four days of failures since the success, then a week of silence.
    t.clock.advance(4 * DAY);
    await attempt(endpoint.id, false);
    t.clock.advance(7 * DAY);
    assert.deepEqual((await sweep()).ids, []);
    assert.equal((await t.store.getEndpoint(endpoint.id))?.failingSince, failingFrom);

    await attempt(endpoint.id, false);
    assert.deepEqual((await sweep()).ids, [endpoint.id]);
  });
});
