import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createIdGenerator } from '../ids.ts';
import { createTestClock } from '../store/conformance/engines.ts';
import { newEndpoint, newMessage } from '../store/conformance/fixtures.ts';
import { overrideStore } from '../store/override-store.ts';
import { createSqliteStore } from '../store/sqlite/create-sqlite-store.ts';
import type { Store } from '../store/store.ts';
import { type AttemptInput, type AttemptRun, Dispatcher } from './dispatcher.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-handoff-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const quiet = { info() {}, warn() {}, error() {} };

/** Polls `condition` once per event-loop turn; fails after `turns` (no wall-clock sleeps). */
async function until(condition: () => boolean, what: string, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await nextTurn();
  }
  assert.fail(`timed out waiting for ${what}`);
}

/**
 * A dispatcher on a real SQLite store whose attempts wait until the test answers them, with every
 * delivery id the claim loop was given recorded.
 */
async function setup(context: TestContext) {
  const clock = createTestClock();
  const raw = createSqliteStore({
    path: join(dir, `handoff-${files++}.db`),
    deps: { clock: clock.now, newId: createIdGenerator(clock.now) },
  });
  await raw.migrate();
  const claimedIds: string[] = [];
  const store: Store = overrideStore(raw, {
    claimDeliveries: async (request) => {
      const claims = await raw.claimDeliveries(request);
      claimedIds.push(...claims.map((c) => c.delivery.id));
      return claims;
    },
  });
  const running: { input: AttemptInput; finish: () => void }[] = [];
  const runAttempt = (input: AttemptInput) =>
    new Promise<AttemptRun>((resolve) => {
      running.push({
        input,
        finish: () =>
          resolve({
            attempt: {
              deliveryId: input.delivery.id,
              messageId: input.message.id,
              endpointId: input.endpoint.id,
              attemptNumber: input.attemptNumber,
              trigger: input.trigger,
              url: input.endpoint.url,
              requestHeaders: {},
              responseStatus: 204,
              responseHeaders: {},
              responseBody: '',
              durationMs: 1,
              errorKind: 'none',
              errorMessage: null,
            },
            outcome: { kind: 'succeeded' },
            endpointEffect: { effect: 'success' },
          }),
      });
    });
  const dispatcher = new Dispatcher({
    store,
    runAttempt,
    maxAttempts: () => 5,
    clock: clock.now,
    logger: quiet,
    workerId: 'worker-test',
    pollIntervalMs: 50,
  });
  dispatcher.start();
  // Closed even when an assertion fails, so a failing test cannot leave the loop running.
  context.after(async () => {
    for (const run of running) run.finish();
    await dispatcher.stop(1_000);
    await raw.close();
  });
  return {
    store,
    dispatcher,
    running,
    claimedIds,
  };
}

test('once an endpoint is known, a new message is handed to the local dispatcher in its own commit, never claimed', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint());
  const first = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  assert.equal(first.duplicate, false);
  await until(() => t.running.length === 1, 'the first attempt');
  assert.deepEqual(t.claimedIds, first.duplicate ? [] : first.deliveryIds, 'an unknown endpoint is claimed');
  t.running[0]?.finish();

  const second = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  assert.equal(second.duplicate, false);
  const handedId = second.duplicate ? '' : second.deliveryIds[0];
  await until(() => t.running.length === 2, 'the handed-over attempt');
  const run = t.running[1];
  assert.equal(run?.input.delivery.id, handedId);
  assert.equal(run?.input.attemptNumber, 1);
  assert.deepEqual(run?.input.message.body, newMessage().body);
  run?.finish();
  let delivery = await t.store.getDelivery(handedId ?? '');
  for (let i = 0; i < 20_000 && delivery?.status !== 'succeeded'; i++) {
    await nextTurn();
    delivery = await t.store.getDelivery(handedId ?? '');
  }
  assert.equal(delivery?.status, 'succeeded');
  assert.equal(delivery?.attemptCount, 1);
  assert.ok(!t.claimedIds.includes(handedId ?? ''), 'the handed-over delivery never went through a claim');
});

test('an endpoint at its concurrency limit is not handed more: the new delivery waits pending for a claim', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint({ maxConcurrency: 1 }));
  const first = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  await until(() => t.running.length === 1, 'the first attempt');
  assert.equal(first.duplicate, false);

  // The endpoint is known now and its one slot is busy.
  const second = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  const waitingId = second.duplicate ? '' : second.deliveryIds[0];
  assert.equal((await t.store.getDelivery(waitingId ?? ''))?.status, 'pending', 'left in the queue');
  for (let i = 0; i < 200; i++) await nextTurn();
  assert.equal(t.running.length, 1, 'the limit holds');

  t.running[0]?.finish();
  await until(() => t.running.length === 2, 'the second attempt after the slot freed');
  assert.equal(t.running[1]?.input.delivery.id, waitingId);
  assert.ok(t.claimedIds.includes(waitingId ?? ''), 'it came through the claim loop');
});

test('a stopped dispatcher takes nothing: deliveries inserted after stop() stay pending', async (context) => {
  const t = await setup(context);
  const endpoint = await t.store.createEndpoint(newEndpoint());
  await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  await until(() => t.running.length === 1, 'the first attempt');
  t.running[0]?.finish();
  await t.dispatcher.stop(1_000);
  const later = await t.store.insertMessage(newMessage({ endpoints: [endpoint.id] }));
  const id = later.duplicate ? '' : later.deliveryIds[0];
  assert.equal((await t.store.getDelivery(id ?? ''))?.status, 'pending');
});
