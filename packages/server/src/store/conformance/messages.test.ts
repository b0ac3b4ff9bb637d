import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { forEachEngine, type TestStore } from './engines.ts';
import { errorCode, newMessage } from './fixtures.ts';

forEachEngine((engine) => {
  let t: TestStore;
  before(async () => {
    t = await engine.open({ options: { maxBodyBytes: 64 * 1024 } });
  });
  after(() => t.close());

  test('a message and its deliveries round-trip byte for byte', async () => {
    const { store } = t;
    const body = new Uint8Array([0, 255, 1, 254, 0x7b, 0x7d]);
    const outcome = await store.insertMessage(
      newMessage({
        tenant: 'acme',
        eventId: 'evt_1',
        channels: ['eu', 'vip'],
        sourceId: 'src_1',
        subPath: '/github/push',
        headers: { 'x-github-event': 'push' },
        contentType: 'application/octet-stream',
        body,
        endpoints: ['ep_1', 'ep_2', 'ep_3'],
      }),
    );
    assert.equal(outcome.duplicate, false);
    if (outcome.duplicate) return;
    assert.equal(outcome.deliveryIds.length, 3);
    const stored = await store.getMessage(outcome.message.id);
    assert.deepEqual(stored, outcome.message);
    assert.deepEqual(stored?.body, body);
    assert.equal(stored?.createdAt, t.clock.now());
    const deliveries = await store.listDeliveries({ messageId: outcome.message.id });
    assert.deepEqual(deliveries.data.map((d) => d.endpointId).sort(), ['ep_1', 'ep_2', 'ep_3']);
    for (const delivery of deliveries.data) {
      assert.equal(delivery.status, 'pending');
      assert.equal(delivery.tenant, 'acme');
      assert.equal(delivery.attemptCount, 0);
      assert.equal(delivery.maxAttempts, 5);
      assert.equal(delivery.nextAttemptAt, t.clock.now());
      assert.deepEqual(await store.getDelivery(delivery.id), delivery);
    }
    const many = await store.getMessages([outcome.message.id, 'msg_missing']);
    assert.deepEqual(
      many.map((m) => m.id),
      [outcome.message.id],
    );
  });

  test('concurrent publishes with one idempotency key store one message, per tenant (NULL included)', async () => {
    const { store } = t;
    for (const tenant of [null, 'acme', 'globex']) {
      const outcomes = await Promise.all(
        Array.from({ length: 25 }, () =>
          store.insertMessage(newMessage({ tenant, idempotencyKey: 'order-17' })),
        ),
      );
      const fresh = outcomes.filter((o) => !o.duplicate);
      assert.equal(fresh.length, 1, `tenant ${tenant}`);
      assert.equal(new Set(outcomes.map((o) => o.message.id)).size, 1);
    }
    const stored = await store.listMessages({ limit: 1000 });
    assert.equal(stored.data.filter((m) => m.idempotencyKey === 'order-17').length, 3);
    const deliveries = await store.listDeliveries({ limit: 1000 });
    const ids = new Set(stored.data.filter((m) => m.idempotencyKey === 'order-17').map((m) => m.id));
    assert.equal(deliveries.data.filter((d) => ids.has(d.messageId)).length, 3);
  });

  test('publishes racing through three stores on one database (three processes) store one message', async () => {
    const stores = [t.store, await t.openPeer(), await t.openPeer()];
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (stores[i % 3] ?? t.store).insertMessage(
          newMessage({ tenant: 'initech', idempotencyKey: 'race', endpoints: ['a', 'b'] }),
        ),
      ),
    );
    assert.equal(outcomes.filter((o) => !o.duplicate).length, 1);
    assert.equal(new Set(outcomes.map((o) => o.message.id)).size, 1);
    const id = outcomes[0]?.message.id ?? '';
    assert.equal((await t.store.listDeliveries({ messageId: id })).data.length, 2);
    assert.equal((await t.store.listMessages({ tenant: 'initech' })).data.length, 1);
  });

  test('a provider id already stored for a source is a duplicate; the same id on another source is not', async () => {
    const { store } = t;
    const first = await store.insertMessage(newMessage({ sourceId: 'src_gh', dedupKey: 'delivery-1' }));
    const again = await store.insertMessage(newMessage({ sourceId: 'src_gh', dedupKey: 'delivery-1' }));
    const other = await store.insertMessage(newMessage({ sourceId: 'src_stripe', dedupKey: 'delivery-1' }));
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.equal(other.duplicate, false);
  });

  test('insertMessages stores a batch in one commit and reports duplicates', async () => {
    const { store } = t;
    const outcomes = await store.insertMessages([
      newMessage({ idempotencyKey: 'batch-1' }),
      newMessage({ idempotencyKey: 'batch-2' }),
      newMessage({ idempotencyKey: 'batch-1' }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.duplicate),
      [false, false, true],
    );
    assert.equal(outcomes[2]?.message.id, outcomes[0]?.message.id);
  });

  test('a body over the limit is value_too_large and stores nothing', async () => {
    const { store } = t;
    const before = await store.listMessages({ limit: 1 });
    const code = await errorCode(
      store.insertMessage(newMessage({ body: new Uint8Array(64 * 1024 + 1), eventType: 'big' })),
    );
    assert.equal(code, 'value_too_large');
    assert.equal((await store.listMessages({ eventType: 'big' })).data.length, 0);
    assert.deepEqual((await store.listMessages({ limit: 1 })).data, before.data);
  });

  test('a failing message in a batch stores none of it', async () => {
    const { store } = t;
    const code = await errorCode(
      store.insertMessages([
        newMessage({ eventType: 'atomic' }),
        newMessage({ eventType: 'atomic', endpoints: ['x', 'x'] }),
      ]),
    );
    assert.notEqual(code, 'resolved');
    assert.equal((await store.listMessages({ eventType: 'atomic' })).data.length, 0);
  });
});

forEachEngine((engine) => {
  let t: TestStore;
  const ids: string[] = [];
  before(async () => {
    t = await engine.open();
    for (let i = 0; i < 30; i++) {
      t.clock.advance(1000);
      const outcome = await t.store.insertMessage(
        newMessage({
          tenant: i % 3 === 0 ? 'acme' : null,
          eventType: i % 2 === 0 ? 'invoice.paid' : 'user.created',
          channels: i % 5 === 0 ? ['vip'] : [],
          sourceId: i % 10 === 0 ? 'src_1' : null,
          endpoints: i % 4 === 0 ? ['ep_x', 'ep_y'] : ['ep_y'],
        }),
      );
      ids.push(outcome.message.id);
    }
  });
  after(() => t.close());

  async function all<T extends { id: string }>(
    list: (cursor: string | null) => Promise<{ data: T[]; nextCursor: string | null }>,
  ): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await list(cursor);
      out.push(...page.data.map((r) => r.id));
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  test('cursor pages walk every message newest first, once each', async () => {
    const seen = await all((cursor) => t.store.listMessages({ limit: 7, cursor }));
    assert.deepEqual(seen, [...ids].reverse());
    const exact = await t.store.listMessages({ limit: 30 });
    assert.equal(exact.data.length, 30);
    assert.equal(exact.nextCursor, null);
  });

  test('message filters: tenant, event type, source, channel, endpoint, time range', async () => {
    const expect = (pick: (i: number) => boolean) => ids.filter((_, i) => pick(i)).reverse();
    const { store } = t;
    assert.deepEqual(
      await all((cursor) => store.listMessages({ tenant: 'acme', limit: 4, cursor })),
      expect((i) => i % 3 === 0),
    );
    assert.deepEqual(
      await all((cursor) => store.listMessages({ eventType: 'user.created', limit: 4, cursor })),
      expect((i) => i % 2 === 1),
    );
    assert.deepEqual(
      (await store.listMessages({ sourceId: 'src_1' })).data.map((m) => m.id),
      expect((i) => i % 10 === 0),
    );
    assert.deepEqual(
      (await store.listMessages({ channel: 'vip' })).data.map((m) => m.id),
      expect((i) => i % 5 === 0),
    );
    assert.deepEqual(
      await all((cursor) => store.listMessages({ endpointId: 'ep_x', limit: 3, cursor })),
      expect((i) => i % 4 === 0),
    );
    const first = (await store.getMessage(ids[10] ?? ''))?.createdAt ?? 0;
    assert.deepEqual(
      (await store.listMessages({ since: first, until: first + 5000 })).data.map((m) => m.id),
      expect((i) => i >= 10 && i < 15),
    );
  });

  test('delivery filters and pages: endpoint, status, message', async () => {
    const { store } = t;
    const forX = await all((cursor) => store.listDeliveries({ endpointId: 'ep_x', limit: 2, cursor }));
    assert.equal(forX.length, 8);
    assert.equal(new Set(forX).size, 8);
    const pending = await all((cursor) =>
      store.listDeliveries({ status: ['pending', 'failed'], limit: 9, cursor }),
    );
    assert.equal(pending.length, 38);
    assert.equal((await store.listDeliveries({ status: 'succeeded' })).data.length, 0);
    assert.equal((await store.listDeliveries({ messageId: ids[0] ?? '' })).data.length, 2);
  });

  test('a malformed cursor is invalid_cursor; a bad limit is invalid_argument', async () => {
    const { store } = t;
    const bad = [
      '!!!',
      'not-a-cursor',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      '%%',
    ];
    for (const cursor of bad) {
      assert.equal(await errorCode(store.listMessages({ cursor })), 'invalid_cursor', cursor);
      assert.equal(await errorCode(store.listDeliveries({ cursor })), 'invalid_cursor', cursor);
      assert.equal(await errorCode(store.listAttempts({ cursor })), 'invalid_cursor', cursor);
      assert.equal(await errorCode(store.listEndpoints({ cursor })), 'invalid_cursor', cursor);
    }
    assert.equal(await errorCode(store.listMessages({ limit: 0 })), 'invalid_argument');
    assert.equal(await errorCode(store.listMessages({ limit: 1001 })), 'invalid_argument');
  });

  test('a cursor pages only the list that issued it; cursors issued before lists were named still page', async () => {
    const { store } = t;
    for (let i = 0; i < 3; i++) await store.insertMessage(newMessage());
    const messages = await store.listMessages({ limit: 1 });
    const deliveries = await store.listDeliveries({ limit: 1 });
    assert.ok(messages.nextCursor !== null && deliveries.nextCursor !== null);
    assert.equal((await store.listMessages({ limit: 1, cursor: messages.nextCursor })).data.length, 1);
    assert.equal(await errorCode(store.listDeliveries({ cursor: messages.nextCursor })), 'invalid_cursor');
    assert.equal(await errorCode(store.listAttempts({ cursor: deliveries.nextCursor })), 'invalid_cursor');
    assert.equal(await errorCode(store.listMessages({ cursor: deliveries.nextCursor })), 'invalid_cursor');
    // A version-1 cursor (key only), as a client may hold one across an upgrade.
    const legacy = Buffer.from(JSON.stringify([1, messages.data[0]?.id])).toString('base64url');
    const next = await store.listMessages({ limit: 1, cursor: legacy });
    assert.equal(
      next.data[0]?.id,
      (await store.listMessages({ limit: 1, cursor: messages.nextCursor })).data[0]?.id,
    );
  });
});
