// Named statements are planned with their values every time: a generic plan cached while a table was
// small (a worker starting on a young database) would keep scanning the whole table as it grows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from './open-database.ts';
import { createTestDatabase, pgSkip } from './test-database.ts';

test('a named statement run on an empty table is never pinned to a generic plan', {
  skip: pgSkip,
}, async () => {
  const database = await createTestDatabase(undefined, 'plans');
  // One connection, so pg_prepared_statements below sees the session that ran the statement.
  const db = openDatabase({
    connectionString: database.url,
    poolSize: 1,
    connectTimeoutMs: 5000,
    statementTimeoutMs: 30_000,
  });
  try {
    await db.query('CREATE TABLE items (id text PRIMARY KEY, body bytea)');
    const read = (ids: string[]) =>
      db.query('SELECT * FROM items WHERE id = ANY($1::text[]) ORDER BY id', [ids], 'read_items');
    // PostgreSQL weighs a generic plan after five custom ones; on an empty table, against a batch of
    // ids (the dispatcher reads 64 messages at a time), it looks cheaper, and is then kept.
    const batch = Array.from({ length: 64 }, (_, i) => `b${i}`);
    for (let i = 0; i < 10; i++) await read(batch);
    await db.query(
      "INSERT INTO items SELECT 'i' || g, decode(repeat('ab', 512), 'hex') FROM generate_series(1, 20000) g",
    );
    assert.equal((await read(['i1', 'i2', 'nope'])).length, 2);
    const [plans] = await db.query<{ generic_plans: number; custom_plans: number }>(
      "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'read_items'",
    );
    assert.deepEqual(plans, { generic_plans: 0, custom_plans: 11 });
    const [mode] = await db.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
    assert.equal(mode?.plan_cache_mode, 'force_custom_plan');
  } finally {
    await db.close();
    await database.drop();
  }
});
