import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import { createTestClock } from '../conformance/engines.ts';
import { errorCode, newMessage, result } from '../conformance/fixtures.ts';
import type { ClaimedDelivery, LocalWorker } from '../store.ts';
import type { Message } from '../types.ts';
import { createSqliteStore, type SqliteStoreOptions } from './create-sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-local-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function open(extra: Partial<SqliteStoreOptions> = {}) {
  const clock = createTestClock();
  const store = createSqliteStore({
    path: join(dir, `store-${files++}.db`),
    deps: { clock: clock.now, newId: createIdGenerator(clock.now) },
    ...extra,
  });
  await store.migrate();
  return { store, clock };
}

/** A worker that takes the endpoints listed in `takes` and records every call the store makes. */
function fakeWorker(takes: string[]) {
  const calls = {
    reserved: [] as string[],
    taken: [] as { message: Message; claims: ClaimedDelivery[] }[],
    cancelled: [] as string[],
  };
  const worker: LocalWorker = {
    workerId: 'worker-local',
    leaseMs: 60_000,
    reserve(endpointId) {
      if (!takes.includes(endpointId)) return false;
      calls.reserved.push(endpointId);
      return true;
    },
    take(handoff) {
      calls.taken.push(...handoff);
    },
    cancel(endpointIds) {
      calls.cancelled.push(...endpointIds);
    },
  };
  return { worker, calls };
}

test('a due delivery the local worker reserves is stored already claimed by it and handed over after the commit; the others wait for a claim', async () => {
  const { store, clock } = await open();
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
  await store.close();
});

test('the dispatcher is woken only for deliveries left pending', async () => {
  const { store } = await open();
  const { worker } = fakeWorker(['ep_a']);
  store.attachLocalWorker?.(worker);
  let wakes = 0;
  store.onWork(() => {
    wakes++;
  });
  await store.insertMessage(newMessage({ endpoints: ['ep_a'] }));
  assert.equal(wakes, 0, 'everything was handed over: a claim would find nothing');
  await store.insertMessage(newMessage({ endpoints: ['ep_a', 'ep_b'] }));
  assert.equal(wakes, 1);
  await store.close();
});

test('an insert that does not commit cancels its reservations and hands nothing over', async () => {
  // A file capped like a full disk: the batch's second message does not fit, so the whole job (the first
  // message and its reserved deliveries included) is rolled back.
  const { store } = await open({ maxPageCount: 100 });
  const { worker, calls } = fakeWorker(['ep_a', 'ep_b']);
  store.attachLocalWorker?.(worker);
  const small = newMessage({ endpoints: ['ep_a', 'ep_b'] });
  const big = newMessage({ endpoints: [], body: new Uint8Array(2 * 1024 * 1024) });
  assert.equal(await errorCode(store.insertMessages([small, big])), 'disk_full');
  assert.deepEqual(calls.reserved, ['ep_a', 'ep_b']);
  assert.deepEqual(calls.cancelled, ['ep_a', 'ep_b'], 'every reservation of the failed job is void');
  assert.deepEqual(calls.taken, []);
  assert.equal((await store.listDeliveries({})).data.length, 0);
  await store.close();
});

test('a handed-over lease that expires is reclaimed like any claim, and the late result is refused', async () => {
  const { store, clock } = await open();
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
  await store.close();
});

test('one local worker at a time; once detached, inserts no longer offer it anything', async () => {
  const { store } = await open();
  const { worker, calls } = fakeWorker(['ep_a']);
  const detach = store.attachLocalWorker?.(worker);
  assert.throws(() => store.attachLocalWorker?.(fakeWorker([]).worker), { code: 'conflict' });
  detach?.();
  await store.insertMessage(newMessage({ endpoints: ['ep_a'] }));
  assert.deepEqual(calls.reserved, []);
  const [pending] = (await store.listDeliveries({})).data;
  assert.equal(pending?.status, 'pending');
  await store.close();
});
