import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import type { Store } from '../store/store.ts';
import { ensureAdminKey } from './ensure-admin-key.ts';

const KEY = 'hk_ensure_admin_key_test_0123456789abcdef';

forEachEngine((engine) => {
  test('a configured key registered by another process between our read and our insert is reused', async () => {
    const t = await engine.open();
    try {
      // The other process: it registers the key first.
      const first = await ensureAdminKey(t.store, { givenKey: KEY });
      assert.equal(first.kind, 'configured');
      // This process read "no such key" just before that insert landed, so its own insert conflicts.
      let reads = 0;
      const late = new Proxy(t.store, {
        get(target, property, receiver) {
          if (property === 'getApiKeyByHash') {
            return async (hash: string) => (reads++ === 0 ? null : target.getApiKeyByHash(hash));
          }
          return Reflect.get(target, property, receiver);
        },
      }) as Store;
      const second = await ensureAdminKey(late, { givenKey: KEY });
      assert.deepEqual(second, first);
      assert.equal(await t.store.countApiKeys(), 1);
    } finally {
      await t.close();
    }
  });

  test('first start without a key: processes starting together mint one admin key between them', async () => {
    const t = await engine.open();
    try {
      // Another process holds the mint lock: this one leaves the key to it and mints nothing.
      const locked = new Proxy(t.store, {
        get(target, property, receiver) {
          if (property === 'withExclusiveJob') return async () => ({ ran: false });
          return Reflect.get(target, property, receiver);
        },
      }) as Store;
      assert.deepEqual(await ensureAdminKey(locked, { givenKey: null }), { kind: 'existing' });
      assert.equal(await t.store.countApiKeys(), 0);
      // Four starts at once (on PostgreSQL each takes the advisory lock in its own session).
      const results = await Promise.all([1, 2, 3, 4].map(() => ensureAdminKey(t.store, { givenKey: null })));
      assert.equal(results.filter((r) => r.kind === 'created').length, 1);
      assert.equal(await t.store.countApiKeys(), 1);
      assert.deepEqual(await ensureAdminKey(t.store, { givenKey: null }), { kind: 'existing' });
    } finally {
      await t.close();
    }
  });
});
