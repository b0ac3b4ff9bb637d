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

test('a group that commits runs each job once; a failure runs it again job by job', async () => {
  const { queue, insert, count } = setup('rerun.db');
  const runs = [0, 0, 0];
  await Promise.all(
    runs.map((_, i) =>
      queue.enqueue(1, () => {
        runs[i] = (runs[i] ?? 0) + 1;
        return insert.run(`ok${i}`);
      }),
    ),
  );
  assert.deepEqual(runs, [1, 1, 1], 'no second run when nothing threw');
  const again = [0, 0];
  const outcomes = await Promise.allSettled([
    queue.enqueue(1, () => {
      again[0] = (again[0] ?? 0) + 1;
      return Number(insert.run(`first${again[0]}`).lastInsertRowid);
    }),
    queue.enqueue(1, () => {
      again[1] = (again[1] ?? 0) + 1;
      insert.run('doomed');
      throw new StoreError('invalid_argument', 'nope');
    }),
  ]);
  assert.deepEqual(again, [2, 2], 'rolled back as a group, then run with a savepoint each');
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected'],
  );
  assert.equal(count(), 4, 'three rows before, and only the second run of the first job');
  const reader = new DatabaseSync(join(dir, 'rerun.db'));
  assert.deepEqual(
    reader
      .prepare('SELECT v FROM t ORDER BY id')
      .all()
      .map((row) => row.v),
    ['ok0', 'ok1', 'ok2', 'first2'],
  );
  reader.close();
});

test('a job alone in its group that throws leaves nothing behind and runs once', async () => {
  const { queue, insert, count } = setup('alone.db');
  let runs = 0;
  const outcome = await Promise.allSettled([
    queue.enqueue(2, () => {
      runs++;
      insert.run('half');
      throw new StoreError('invalid_argument', 'nope');
    }),
  ]);
  assert.ok(outcome[0]?.status === 'rejected' && isStoreError(outcome[0].reason, 'invalid_argument'));
  assert.equal(runs, 1);
  assert.equal(count(), 0);
  await queue.enqueue(1, () => insert.run('after'));
  assert.equal(count(), 1, 'the connection is usable again');
});

test('with an fsync running, the next group waits for it and takes everything queued meanwhile', async () => {
  const path = join(dir, 'paced.db');
  const db = openDatabase({ path });
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  // A hand-driven "disk": each durable() is one fsync that ends when the test says so.
  const fsyncs: (() => void)[] = [];
  let running: Promise<void> | null = null;
  const queue = createWriteQueue(db, {
    maxRowsPerCommit: 1000,
    onWork: () => {},
    durable: () => {
      const done = new Promise<void>((resolve) => fsyncs.push(resolve));
      running = done.then(() => {
        running = null;
      });
      return done;
    },
    syncInFlight: () => running,
  });
  const first = queue.enqueue(1, () => insert.run('first'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fsyncs.length, 1, 'the first group committed and its fsync runs');
  const later = [1, 2, 3].map((i) => queue.enqueue(1, () => insert.run(`later ${i}`)));
  for (let tick = 0; tick < 5; tick++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(queue.stats(), { commits: 0, jobs: 0 });
  assert.equal(Number(db.prepare('SELECT count(*) AS n FROM t').get()?.n), 1, 'nothing more committed yet');
  fsyncs[0]?.();
  await first;
  for (let tick = 0; tick < 5 && fsyncs.length < 2; tick++)
    await new Promise((resolve) => setImmediate(resolve));
  assert.equal(fsyncs.length, 2, 'one commit, one fsync for the three');
  fsyncs[1]?.();
  await Promise.all(later);
  assert.deepEqual(queue.stats(), { commits: 2, jobs: 4 });
  db.close();
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
