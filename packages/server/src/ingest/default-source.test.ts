import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachEngine } from '../store/conformance/engines.ts';
import { DEFAULT_SOURCE_NAME, ensureDefaultSource } from './default-source.ts';

forEachEngine((engine) => {
  test('the default source is created once, racing starts included, and keeps a taken alias free', async () => {
    const t = await engine.open();
    try {
      const peer = await t.openPeer();
      const [a, b] = await Promise.all([ensureDefaultSource(t.store), ensureDefaultSource(peer)]);
      assert.equal(a.id, b.id);
      assert.equal(a.name, DEFAULT_SOURCE_NAME);
      assert.equal(a.verification.scheme, 'none');
      assert.deepEqual(a.dedupRule, { kind: 'none' });
      assert.equal((await t.store.listSources({})).data.length, 1);
    } finally {
      await t.close();
    }
  });
});

test('an alias owned by another source leaves the default source at its token URL; a bad alias is refused', async () => {
  const sqlite = (await import('../store/conformance/engines.ts')).engines.find((e) => e.name === 'sqlite');
  assert.ok(sqlite);
  const t = await sqlite.open();
  try {
    const other = await ensureDefaultSource(t.store, { alias: '/hooks' });
    await t.store.updateSource(other.id, { name: 'renamed' });
    const fresh = await ensureDefaultSource(t.store, { alias: '/hooks' });
    assert.notEqual(fresh.id, other.id);
    assert.equal(fresh.alias, null);
    await assert.rejects(ensureDefaultSource(t.store, { alias: '/a/b' }), RangeError);
  } finally {
    await t.close();
  }
});
