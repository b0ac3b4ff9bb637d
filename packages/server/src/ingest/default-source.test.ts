import assert from 'node:assert/strict';
import { test } from 'node:test';
import { engines, forEachEngine } from '../store/conformance/engines.ts';
import type { NewSource } from '../store/store.ts';
import { DEFAULT_SOURCE_CREATED_KEY, DEFAULT_SOURCE_NAME, ensureDefaultSource } from './default-source.ts';
import { DEFAULT_RESPONSE } from './source-input.ts';

forEachEngine((engine) => {
  test('the default source is created once, racing starts included, and never again once deleted', async () => {
    const t = await engine.open();
    try {
      const peer = await t.openPeer();
      const [a, b] = await Promise.all([ensureDefaultSource(t.store), ensureDefaultSource(peer)]);
      assert.ok(a);
      assert.equal(a.id, b?.id);
      assert.equal(a.name, DEFAULT_SOURCE_NAME);
      assert.equal(a.alias, '/webhook');
      assert.equal(a.verification.scheme, 'none');
      assert.deepEqual(a.dedupRule, { kind: 'none' });
      assert.equal((await t.store.listSources({})).data.length, 1);
      assert.equal((await ensureDefaultSource(t.store))?.id, a.id, 'a restart finds it');
      // Deleted: an unverified endpoint the operator removed must not come back on restart.
      await t.store.deleteSource(a.id);
      assert.equal(await ensureDefaultSource(t.store), null);
      assert.equal(await ensureDefaultSource(peer), null);
      assert.equal((await t.store.listSources({})).data.length, 0);
    } finally {
      await t.close();
    }
  });
});

const sqlite = engines.find((e) => e.name === 'sqlite');

test('renamed, or deleted before the record existed, the default source is not recreated; a bad alias is refused', async () => {
  assert.ok(sqlite);
  const t = await sqlite.open();
  try {
    await assert.rejects(ensureDefaultSource(t.store, { alias: '/a/b' }), RangeError);
    const first = await ensureDefaultSource(t.store, { alias: '/hooks' });
    assert.equal(first?.alias, '/hooks');
    await t.store.updateSource(first?.id ?? '', { name: 'renamed' });
    assert.equal(await ensureDefaultSource(t.store, { alias: '/hooks' }), null);
    assert.deepEqual(
      (await t.store.listSources({})).data.map((s) => s.name),
      ['renamed'],
    );
    // Databases from before the record: one whose default source was deleted or renamed then (it has
    // other sources) gets none; one that still has it keeps it. Both are recorded as past first start.
    for (const [name, expected] of [
      ['mine', null],
      [DEFAULT_SOURCE_NAME, DEFAULT_SOURCE_NAME],
    ] as const) {
      const legacy = await sqlite.open();
      try {
        await legacy.store.createSource(legacySource(name));
        assert.equal((await ensureDefaultSource(legacy.store))?.name ?? null, expected);
        assert.equal(await legacy.store.getMeta(DEFAULT_SOURCE_CREATED_KEY), 'true');
        assert.equal((await legacy.store.listSources({})).data.length, 1);
      } finally {
        await legacy.close();
      }
    }
  } finally {
    await t.close();
  }
});

function legacySource(name: string): NewSource {
  return {
    name,
    token: 'legacy-token-0123456789',
    tenant: null,
    verification: { scheme: 'none' },
    secrets: [],
    toleranceSeconds: 300,
    maxBodyBytes: 1024,
    contentTypes: null,
    requireJson: false,
    decompress: false,
    handshake: null,
    response: DEFAULT_RESPONSE,
    eventTypeRule: { kind: 'provider' },
    dedupRule: { kind: 'none' },
    alias: null,
    disabled: false,
  };
}
