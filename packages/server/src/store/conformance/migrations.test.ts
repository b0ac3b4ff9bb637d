import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine } from './engines.ts';
import { newMessage } from './fixtures.ts';

forEachEngine((engine) => {
  test('three stores migrating one database at once apply each migration exactly once', async () => {
    const t = await engine.open({ skipMigrate: true });
    try {
      const before = await t.store.ping();
      assert.equal(before.ok, false, 'not ready before migrating');
      const peers = [t.store, await t.openPeer(), await t.openPeer()];
      const results = await Promise.all(peers.map((store) => store.migrate()));
      const applied = results.flatMap((r) => r.applied);
      assert.ok(applied.length > 0);
      assert.equal(new Set(applied).size, applied.length, `applied twice: ${applied.join(', ')}`);
      for (const store of peers) assert.deepEqual(await store.ping(), { ok: true });
      assert.deepEqual(await t.store.migrate(), { applied: [] });
      assert.equal((await t.store.insertMessage(newMessage())).duplicate, false);
    } finally {
      await t.close();
    }
  });
});
