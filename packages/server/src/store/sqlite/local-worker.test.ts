import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createIdGenerator } from '../../ids.ts';
import { createTestClock } from '../conformance/engines.ts';
import { errorCode, fakeWorker, newMessage } from '../conformance/fixtures.ts';
import { createSqliteStore } from './create-sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-local-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function open(extra: { maxPageCount?: number } = {}) {
  const clock = createTestClock();
  return createSqliteStore({
    path: join(dir, `store-${files++}.db`),
    deps: { clock: clock.now, newId: createIdGenerator(clock.now) },
    ...extra,
  });
}
let files = 0;

// In-process wake-ups are exact on SQLite; on PostgreSQL the LISTEN session also wakes on (re)connect and
// on its own NOTIFY, so this is checked here only.
test('the dispatcher is woken only for deliveries left pending', async () => {
  const store = open();
  await store.migrate();
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
  const store = open({ maxPageCount: 100 });
  await store.migrate();
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

test('an insert run twice (its group rolled back by another job) reserves once', async () => {
  const store = open();
  await store.migrate();
  const { worker, calls, outstanding } = fakeWorker(['ep_a']);
  store.attachLocalWorker?.(worker);
  const [inserted, failed] = await Promise.allSettled([
    store.insertMessage(newMessage({ endpoints: ['ep_a'] })),
    // Throws inside its job, in the same group commit: the group is rolled back and run again.
    store.updateEndpoint('ep_missing', { description: 'x' }),
  ]);
  assert.equal(inserted.status, 'fulfilled');
  assert.ok(failed.status === 'rejected');
  assert.equal(await errorCode(Promise.reject(failed.reason)), 'not_found');
  assert.deepEqual(calls.reserved, ['ep_a', 'ep_a'], 'reserved by each run');
  assert.deepEqual(calls.cancelled, ['ep_a'], "the first run's reservation is void");
  assert.equal(calls.taken.length, 1);
  assert.equal(outstanding(), 0);
  const handed = calls.taken[0]?.claims[0]?.delivery;
  const stored = (await store.listDeliveries({})).data;
  assert.deepEqual(
    stored.map((d) => [d.id, d.status]),
    [[handed?.id, 'in_flight']],
    'the delivery handed over is the one stored',
  );
  await store.close();
});
