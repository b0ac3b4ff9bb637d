import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { createPostgresStore } from './create-postgres-store.ts';
import { migrationFiles } from './migrate.ts';
import { createTestDatabase, pgSkip, type TestDatabase, testDeps } from './test-database.ts';

const run = promisify(execFile);
const ALL = migrationFiles().map((m) => m.name);

let databases: TestDatabase[] = [];
before(() => {
  databases = [];
});
after(async () => {
  for (const db of databases) await db.drop();
});

async function fresh(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

test('two stores migrating one fresh database at once: one applies everything, the other nothing', {
  skip: pgSkip,
}, async () => {
  const db = await fresh();
  const a = createPostgresStore({ connectionString: db.url, deps: testDeps(), poolSize: 2 });
  const b = createPostgresStore({ connectionString: db.url, deps: testDeps(), poolSize: 2 });
  try {
    assert.deepEqual(await a.ping(), { ok: false, reason: `pending migrations: ${ALL.join(', ')}` });
    const results = await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
    const applied = results.map((r) => r.applied);
    assert.equal(applied.filter((names) => names.length > 0).length, 1);
    assert.deepEqual(applied.flat(), ALL);
    assert.deepEqual(await b.ping(), { ok: true });
    assert.deepEqual(await a.migrate(), { applied: [] });
  } finally {
    await a.close();
    await b.close();
  }
});

test('two processes migrating one fresh database at once', { skip: pgSkip }, async () => {
  const db = await fresh();
  const script = join(import.meta.dirname, 'fixtures', 'migrate-process.ts');
  const outputs = await Promise.all([
    run(process.execPath, [script, db.url]),
    run(process.execPath, [script, db.url]),
  ]);
  const applied = outputs.map((o) => (JSON.parse(o.stdout.trim()) as { applied: string[] }).applied);
  assert.deepEqual(applied.flat(), ALL, `processes applied ${JSON.stringify(applied)}`);
});
