import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isStoreError } from '../store-error.ts';
import { createWalSyncer } from './wal-syncer.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('concurrent sync calls share fsyncs: one running and at most one queued behind it', async () => {
  const path = join(dir, 'a.db-wal');
  writeFileSync(path, 'x');
  const syncer = createWalSyncer(path);
  await Promise.all(Array.from({ length: 50 }, () => syncer.sync()));
  assert.ok(syncer.count() >= 1 && syncer.count() <= 2, `fsyncs: ${syncer.count()}`);
  const before = syncer.count();
  await syncer.sync();
  assert.equal(syncer.count(), before + 1, 'a later call always gets a fresh fsync');
  await syncer.close();
});

test('a call made while an fsync runs waits for the next one', async () => {
  const path = join(dir, 'b.db-wal');
  writeFileSync(path, 'x');
  const syncer = createWalSyncer(path);
  const first = syncer.sync();
  const second = syncer.sync();
  await first;
  assert.equal(syncer.count(), 1);
  await second;
  assert.equal(syncer.count(), 2);
  await syncer.close();
});

test('inFlight is the running fsync, settling when it ends (even failed), and null when idle', async () => {
  const path = join(dir, 'd.db-wal');
  writeFileSync(path, 'x');
  const syncer = createWalSyncer(path);
  assert.equal(syncer.inFlight(), null);
  const sync = syncer.sync();
  const running = syncer.inFlight();
  assert.ok(running, 'an fsync runs');
  await running;
  await sync;
  assert.equal(syncer.count(), 1);
  assert.equal(syncer.inFlight(), null);
  await syncer.close();
  const failing = createWalSyncer(join(dir, 'missing', 'e.db-wal'));
  const failed = failing.sync().catch(() => 'failed');
  await failing.inFlight();
  assert.equal(await failed, 'failed');
  await failing.close();
});

test('a failing fsync is a coded StoreError', async () => {
  const syncer = createWalSyncer(join(dir, 'missing', 'c.db-wal'));
  await assert.rejects(syncer.sync(), (error) => isStoreError(error, 'unavailable'));
  await syncer.close();
});
