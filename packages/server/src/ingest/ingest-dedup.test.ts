// Duplicates arriving at the same time (a provider retrying while the first attempt is still in flight)
// resolve to one stored message and the same 2xx for every copy, on both engines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { createIngestKit } from './ingest-test-kit.ts';

forEachEngine((engine) => {
  test('20 concurrent copies of one event: one message, one delivery, the same 202 for all', async () => {
    const kit = await createIngestKit(engine);
    try {
      const source = await kit.createSource({
        name: 'dup',
        verification: { scheme: 'none' },
        dedupRule: { kind: 'header', name: 'idempotency-key' },
      });
      await kit.createEndpoint();
      const send = () =>
        kit.app.inject({
          method: 'POST',
          url: source.ingestPath,
          headers: { 'content-type': 'application/json', 'idempotency-key': 'evt-42' },
          payload: '{"type":"order.paid"}',
        });
      const responses = await Promise.all(Array.from({ length: 20 }, send));
      assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([202]));
      const ids = new Set(responses.map((r) => r.headers['x-hookline-message-id']));
      assert.equal(ids.size, 1);
      const messages = await kit.store.listMessages({ sourceId: source.id });
      assert.equal(messages.data.length, 1);
      assert.equal(
        (await kit.store.listDeliveries({ messageId: messages.data[0]?.id as string })).data.length,
        1,
      );
      // Another key is another event.
      const other = await kit.app.inject({
        method: 'POST',
        url: source.ingestPath,
        headers: { 'content-type': 'application/json', 'idempotency-key': 'evt-43' },
        payload: '{"type":"order.paid"}',
      });
      assert.notEqual(other.headers['x-hookline-message-id'], [...ids][0]);
    } finally {
      await kit.close();
    }
  });
});
