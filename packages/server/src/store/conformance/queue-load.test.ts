import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { Store } from '../store.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { newMessage, result } from './fixtures.ts';

const WORKERS = 4;
const PER_WORKER = 20_000;
const TOTAL = WORKERS * PER_WORKER;
const ENDPOINTS = ['ep_1', 'ep_2', 'ep_3', 'ep_4'];

forEachEngine((engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(() => t.close());

  test(`${WORKERS} workers × ${PER_WORKER} deliveries: zero lost, zero claimed twice, each completed once`, async () => {
    const { store } = t;
    // Messages of 4 deliveries each, published in batches as the API's batch endpoint would.
    for (let i = 0; i < TOTAL / ENDPOINTS.length; i += 500) {
      await store.insertMessages(Array.from({ length: 500 }, () => newMessage({ endpoints: ENDPOINTS })));
    }
    // Engines that share across processes get one store per worker (separate pools); SQLite's workers
    // share the single in-process claimer, as they would in production.
    const stores: Store[] = [];
    for (let w = 0; w < WORKERS; w++)
      stores.push(store.capabilities.multiProcess ? await t.openPeer() : store);

    const claimedBy = new Map<string, string>();
    const completed = new Map<string, number>();
    let refused = 0;
    const worker = async (name: string, own: Store) => {
      // Bounded: a lost delivery fails the assertions below instead of hanging the run.
      for (let round = 0; round < TOTAL; round++) {
        const claims = await own.claimDeliveries({ workerId: name, limit: 200, leaseMs: 600_000 });
        if (claims.length === 0) return;
        for (const claim of claims) {
          const holder = claimedBy.get(claim.delivery.id);
          assert.equal(holder, undefined, `${claim.delivery.id} claimed by ${holder} and ${name}`);
          claimedBy.set(claim.delivery.id, name);
        }
        const outcomes = await own.completeAttempts(claims.map((c) => result(c.delivery, c.leaseToken)));
        for (const outcome of outcomes) {
          if (!outcome.accepted) refused++;
          completed.set(outcome.deliveryId, (completed.get(outcome.deliveryId) ?? 0) + 1);
        }
      }
    };
    await Promise.all(stores.map((own, w) => worker(`w${w}`, own)));

    assert.equal(refused, 0);
    assert.equal(claimedBy.size, TOTAL);
    assert.equal(completed.size, TOTAL);
    assert.ok([...completed.values()].every((n) => n === 1));
    assert.equal(new Set(claimedBy.values()).size, WORKERS, 'every worker took a share');
    const left = await store.listDeliveries({
      status: ['pending', 'failed', 'in_flight', 'exhausted', 'cancelled'],
    });
    assert.deepEqual(left.data, []);
    assert.equal(await store.nextDueAt(), null);
    assert.deepEqual(await store.queueDepth(t.clock.now() + 1e9), { due: 0, oldestDueAt: null });
  });
});
