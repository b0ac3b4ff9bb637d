import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { ListenerAttemptInput } from '../store.ts';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newMessage } from './fixtures.ts';

function report(
  messageId: string,
  overrides: Partial<ListenerAttemptInput['attempt']> = {},
  listener: Partial<ListenerAttemptInput['listener']> = {},
): ListenerAttemptInput {
  const status = overrides.responseStatus === undefined ? 200 : overrides.responseStatus;
  return {
    messageId,
    listener: { tenant: null, name: 'laptop', forwardUrl: 'http://localhost:3000/hooks', ...listener },
    attempt: {
      url: 'http://localhost:3000/hooks',
      requestHeaders: { 'content-type': 'application/json' },
      responseStatus: status,
      responseHeaders: {},
      responseBody: 'ok',
      durationMs: 7,
      errorKind: status !== null && status < 300 ? 'none' : 'http_status',
      errorMessage: null,
      ...overrides,
    },
  };
}

forEachEngine((engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(() => t.close());

  test('a listener report writes the listener, a final delivery and a cli attempt; later reports add attempts', async () => {
    const { store, clock } = t;
    const { message } = await store.insertMessage(newMessage({ endpoints: [], tenant: 'acme' }));
    const first = await store.recordListenerAttempt(report(message.id));
    assert.match(first.listener.id, /^lsn_/);
    assert.equal(first.listener.name, 'laptop');
    assert.equal(first.delivery.endpointId, first.listener.id);
    assert.equal(first.delivery.tenant, 'acme', 'the delivery carries the message tenant');
    assert.equal(first.delivery.status, 'succeeded');
    assert.equal(first.delivery.attemptCount, 1);
    assert.equal(first.delivery.nextAttemptAt, null);
    assert.equal(first.attempt.trigger, 'cli');
    assert.equal(first.attempt.attemptNumber, 1);
    assert.equal(first.attempt.endpointId, first.listener.id);

    clock.advance(1000);
    const second = await store.recordListenerAttempt(
      report(
        message.id,
        { responseStatus: 500, responseBody: 'boom' },
        { forwardUrl: 'http://localhost:4000/' },
      ),
    );
    assert.equal(second.listener.id, first.listener.id, 'one listener per (tenant, name)');
    assert.equal(second.listener.forwardUrl, 'http://localhost:4000/');
    assert.equal(second.listener.lastSeenAt, clock.now());
    assert.equal(second.delivery.id, first.delivery.id);
    assert.equal(second.delivery.status, 'exhausted');
    assert.equal(second.delivery.attemptCount, 2);
    assert.equal(second.delivery.maxAttempts, 2);
    assert.equal(second.delivery.lastStatusCode, 500);
    assert.equal(second.delivery.lastError, 'http_status');
    assert.equal(second.attempt.attemptNumber, 2);

    const attempts = await store.listAttempts({ messageId: message.id });
    assert.deepEqual(
      attempts.data.map((a) => [a.attemptNumber, a.trigger, a.responseStatus]),
      [
        [2, 'cli', 500],
        [1, 'cli', 200],
      ],
    );
    const deliveries = await store.listDeliveries({ messageId: message.id });
    assert.deepEqual(
      deliveries.data.map((d) => d.id),
      [first.delivery.id],
    );
  });

  test('listener deliveries are never claimed, due or cancelled, and routing-free messages stay so', async () => {
    const { store, clock } = t;
    const { message } = await store.insertMessage(newMessage({ endpoints: [] }));
    await store.recordListenerAttempt(report(message.id, { responseStatus: null, errorKind: 'connect' }));
    clock.advance(60_000);
    assert.deepEqual(await store.claimDeliveries({ workerId: 'w', limit: 10, leaseMs: 30_000 }), []);
    assert.equal(await store.nextDueAt(), null);
    assert.equal((await store.queueDepth(clock.now())).due, 0);
    assert.equal(await store.cancelDeliveries({ messageId: message.id }), 0);
    const [delivery] = (await store.listDeliveries({ messageId: message.id })).data;
    assert.equal(delivery?.status, 'exhausted');
    assert.equal(delivery?.lastStatusCode, null);
    assert.equal(delivery?.lastError, 'connect');
  });

  test('an unknown message is not_found and writes nothing; names are per tenant', async () => {
    const { store } = t;
    assert.equal(await errorCode(store.recordListenerAttempt(report('msg_missing'))), 'not_found');
    assert.deepEqual((await store.listListeners({})).data, []);
    const { message } = await store.insertMessage(newMessage({ endpoints: [], tenant: 'acme' }));
    const unscoped = await store.recordListenerAttempt(report(message.id));
    const scoped = await store.recordListenerAttempt(report(message.id, {}, { tenant: 'acme' }));
    assert.notEqual(scoped.listener.id, unscoped.listener.id);
    assert.notEqual(scoped.delivery.id, unscoped.delivery.id);
    assert.deepEqual(
      (await store.listListeners({ tenant: 'acme' })).data.map((l) => l.id),
      [scoped.listener.id],
    );
    assert.equal((await store.listListeners({})).data.length, 2);
  });
});
