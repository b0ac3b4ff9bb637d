import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createIdGenerator } from '../ids.ts';
import { openStore, sqlitePath } from './open-store.ts';
import { isStoreError } from './store-error.ts';

test('sqlitePath accepts sqlite:, sqlite://, file: and bare paths', () => {
  assert.equal(sqlitePath('sqlite:data/h.db'), 'data/h.db');
  assert.equal(sqlitePath('sqlite:///var/lib/h.db'), '/var/lib/h.db');
  assert.equal(sqlitePath('sqlite://data/h.db'), 'data/h.db');
  assert.equal(sqlitePath('file:/tmp/h.db'), '/tmp/h.db');
  assert.equal(sqlitePath('./h.db'), './h.db');
  assert.throws(
    () => sqlitePath('mysql://u:pw@host/db'),
    (e) => isStoreError(e, 'invalid_argument') && !e.message.includes('pw'),
  );
  assert.throws(
    () => sqlitePath('sqlite:'),
    (e) => isStoreError(e, 'invalid_argument'),
  );
});

test('openStore opens a working SQLite store from a sqlite: URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-open-'));
  try {
    const store = await openStore(`sqlite:${join(dir, 'a', 'h.db')}`, {
      clock: Date.now,
      newId: createIdGenerator(),
    });
    assert.equal(store.engine, 'sqlite');
    await store.migrate();
    await store.setMeta('k', 'v');
    assert.equal(await store.getMeta('k'), 'v');
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
