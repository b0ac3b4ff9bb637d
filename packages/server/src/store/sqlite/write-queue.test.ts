import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { isStoreError, StoreError } from '../store-error.ts';
import { openDatabase } from './open-database.ts';
import { createWriteQueue } from './write-queue.ts';

const dir = mkdtempSync(join(tmpdir(), 'hookline-wq-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function setup(name: string, maxRowsPerCommit = 1000) {
  const path = join(dir, name);
  const db = openDatabase({ path, busyTimeoutMs: 50 });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  let woken = 0;
  const queue = createWriteQueue(db, {
    maxRowsPerCommit,
    onWork: () => {
      woken++;
    },
  });
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const count = () => {
    const reader = new DatabaseSync(path);
    try {
      return Number(reader.prepare('SELECT count(*) AS n FROM t').get()?.n);
    } finally {
      reader.close();
    }
  };
  return { path, db, queue, insert, count, woken: () => woken };
}

test('concurrent callers share one commit and each resolves once it is durable', async () => {
  const { queue, insert, count, woken } = setup('group.db');
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      queue.enqueue(1, (signal) => {
        if (i === 7) signal();
        return Number(insert.run(`row ${i}`).lastInsertRowid);
      }),
    ),
  );
  assert.deepEqual(
    results,
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.deepEqual(queue.stats(), { commits: 1, jobs: 50 });
  assert.equal(count(), 50, 'visible to another connection once resolved');
  assert.equal(woken(), 1);
});

test('groups are cut at maxRowsPerCommit', async () => {
  const { queue, insert, count } = setup('split.db', 6);
  await Promise.all(Array.from({ length: 10 }, (_, i) => queue.enqueue(3, () => insert.run(`r${i}`))));
  assert.deepEqual(queue.stats(), { commits: 5, jobs: 10 });
  assert.equal(count(), 10);
});

test('a job that throws is rolled back alone; the rest of its group commits', async () => {
  const { queue, insert, count } = setup('isolate.db');
  const outcomes = await Promise.allSettled([
    queue.enqueue(1, () => insert.run('a')),
    queue.enqueue(2, () => {
      insert.run('half');
      throw new StoreError('invalid_argument', 'nope');
    }),
    queue.enqueue(1, () => insert.run(null as unknown as string)),
    queue.enqueue(1, () => insert.run('b')),
  ]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
  );
  assert.ok(outcomes[1]?.status === 'rejected' && isStoreError(outcomes[1].reason, 'invalid_argument'));
  assert.ok(
    outcomes[2]?.status === 'rejected' && isStoreError(outcomes[2].reason, 'conflict'),
    'NOT NULL is a constraint',
  );
  assert.equal(count(), 2, 'the half-done job left nothing behind');
  assert.deepEqual(queue.stats(), { commits: 1, jobs: 2 });
});

test('when the transaction cannot start, every caller of the group gets the typed error', async () => {
  const { path, queue, insert, count } = setup('busy.db');
  const other = new DatabaseSync(path);
  other.exec('BEGIN IMMEDIATE');
  const outcomes = await Promise.allSettled(
    [1, 2, 3].map((i) => queue.enqueue(1, () => insert.run(`x${i}`))),
  );
  other.exec('ROLLBACK');
  other.close();
  for (const o of outcomes) assert.ok(o.status === 'rejected' && isStoreError(o.reason, 'locked'));
  assert.equal(count(), 0);
  await queue.enqueue(1, () => insert.run('after'));
  assert.equal(count(), 1);
});
