import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPostgresStore } from './create-postgres-store.ts';
import { adminQuery, openTestStore, pgSkip, testDeps } from './test-database.ts';

test('an exclusive job runs in one process at a time and its lock goes with its session', {
  skip: pgSkip,
}, async () => {
  const t = await openTestStore();
  const other = createPostgresStore({ connectionString: t.database.url, deps: testDeps(), poolSize: 2 });
  try {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = t.store.withExclusiveJob('retention', async () => {
      entered();
      // The job uses the pool while the lock is held on its own connection.
      await t.store.setMeta('retention.ran', 'yes');
      await held;
      return 1;
    });
    await inside;
    assert.deepEqual(await other.withExclusiveJob('retention', async () => 2), { ran: false });
    assert.deepEqual(await other.withExclusiveJob('health-sweep', async () => 3), { ran: true, value: 3 });
    const locks = await adminQuery(
      "SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = $1",
      [t.database.name],
    );
    assert.equal(locks.rows[0]?.n, 1);
    release();
    assert.deepEqual(await first, { ran: true, value: 1 });
    assert.deepEqual(await other.withExclusiveJob('retention', async () => 4), { ran: true, value: 4 });
    assert.equal(await other.getMeta('retention.ran'), 'yes');

    // A job that throws releases the lock too.
    await assert.rejects(
      t.store.withExclusiveJob('retention', async () => {
        throw new RangeError('boom');
      }),
      RangeError,
    );
    assert.deepEqual(await other.withExclusiveJob('retention', async () => 5), { ran: true, value: 5 });
  } finally {
    await other.close();
    await t.close();
  }
});
