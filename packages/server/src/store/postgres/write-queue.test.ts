import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWriteQueue, type QueuedJob } from './write-queue.ts';

/** A queue whose flushes the test completes by hand, recording each group. */
function harness(options: { maxRowsPerCommit: number; concurrency: number }) {
  const groups: number[][] = [];
  const open: { jobs: QueuedJob<number, string>[]; finish: (error?: unknown) => void }[] = [];
  const queue = createWriteQueue<number, string>({
    ...options,
    flush: (jobs) =>
      new Promise<void>((resolve, reject) => {
        groups.push(jobs.map((j) => j.input));
        open.push({
          jobs,
          finish: (error) => {
            if (error) return reject(error);
            for (const job of jobs) job.resolve(`done ${job.input}`);
            resolve();
          },
        });
      }),
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { queue, groups, open, tick };
}

test('callers of one tick share a group; later callers wait for a free slot and share the next', async () => {
  const { queue, groups, open, tick } = harness({ maxRowsPerCommit: 100, concurrency: 1 });
  const first = [1, 2, 3].map((n) => queue.enqueue(n, 1));
  await tick();
  assert.deepEqual(groups, [[1, 2, 3]]);
  const second = [4, 5].map((n) => queue.enqueue(n, 1));
  await tick();
  assert.deepEqual(groups, [[1, 2, 3]], 'the only slot is busy, so 4 and 5 wait');
  open[0]?.finish();
  assert.deepEqual(await Promise.all(first), ['done 1', 'done 2', 'done 3']);
  await tick();
  assert.deepEqual(groups, [
    [1, 2, 3],
    [4, 5],
  ]);
  open[1]?.finish();
  assert.deepEqual(await Promise.all(second), ['done 4', 'done 5']);
  await queue.drain();
});

test('a group stops at the row budget; a job larger than the budget goes alone', async () => {
  const { queue, groups, open, tick } = harness({ maxRowsPerCommit: 10, concurrency: 4 });
  const all = [queue.enqueue(1, 4), queue.enqueue(2, 4), queue.enqueue(3, 4), queue.enqueue(4, 50)];
  // With a short backlog one group starts per tick, so callers of the next tick can still join.
  for (let i = 0; i < 3; i++) await tick();
  assert.deepEqual(groups, [[1, 2], [3], [4]]);
  for (const group of open) group.finish();
  await Promise.all(all);
});

test('a failed flush rejects every job of its group and the queue keeps going', async () => {
  const { queue, open, tick } = harness({ maxRowsPerCommit: 100, concurrency: 1 });
  const failed = [queue.enqueue(1, 1), queue.enqueue(2, 1)];
  await tick();
  open[0]?.finish(new RangeError('boom'));
  for (const outcome of await Promise.allSettled(failed)) assert.equal(outcome.status, 'rejected');
  const next = queue.enqueue(3, 1);
  await tick();
  open[1]?.finish();
  assert.equal(await next, 'done 3');
  await queue.drain();
});
