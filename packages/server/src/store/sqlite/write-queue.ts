import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoreError } from '../store-error.ts';
import { toStoreError } from './sqlite-error.ts';

/**
 * Runs inside the group's transaction; may call `signalWork` to wake dispatchers after the commit. A job
 * may run twice: when another job of its group throws, the group is rolled back and run again job by job,
 * so whatever a job does outside the database must be undone or redone by its second run.
 */
export type WriteJob<T> = (signalWork: () => void) => T;

interface Pending {
  rows: number;
  run: WriteJob<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface WriteQueueOptions {
  /** Rows (a job's own estimate) per group commit; the rest waits for the next tick. */
  maxRowsPerCommit: number;
  /** Called after a commit in which a job signalled new work. */
  onWork: () => void;
  /**
   * Makes a finished COMMIT durable before callers are answered (the off-thread WAL fsync); absent when
   * SQLite syncs inside COMMIT itself or durability is relaxed (`synchronous=NORMAL`).
   */
  durable?: () => Promise<void>;
  /**
   * With `durable`: the durability fsync now running, or null. The next group commit waits for it (see
   * `schedule`).
   */
  syncInFlight?: () => Promise<void> | null;
}

export interface WriteQueue {
  /** Queues `job` for the next group commit; resolves with its value only once that commit is durable. */
  enqueue<T>(rows: number, job: WriteJob<T>): Promise<T>;
  /** Waits until everything queued so far is committed (or failed). */
  drain(): Promise<void>;
  /** Groups committed and jobs in them so far (the mean group size is what batching buys). */
  stats(): { commits: number; jobs: number };
}

/**
 * Group commit on one connection: every write of a tick (or, while an fsync runs, of every tick until it
 * ends) shares one IMMEDIATE transaction, so a burst of single-message writes pays one fsync instead of
 * one each. A job that throws is rolled back alone and only its caller sees the error (see commitGroup);
 * a failed BEGIN or COMMIT (locked file, full disk), or an error after which SQLite abandoned the
 * transaction, fails every job of the group, since none of them was committed.
 *
 * Runs on the main thread; only the disk waits leave it. Measured with store-sqlite.bench.ts on this
 * shared 2-core machine (load 5-6, fsync 0.25-15 ms depending on the neighbours): a group of 64 messages
 * × (1 message + 3 deliveries) costs ~3 ms of CPU (~45 µs a message). With SQLite doing the fsync inside
 * COMMIT the event-loop delay p99 was 24-54 ms; with the fsync in the thread pool (wal-syncer.ts) and
 * checkpoints in a worker (checkpointer.ts) it is 7-17 ms, and a caller's commit latency at half the
 * peak rate is p50 1-2 ms, p99 11-16 ms. Moving the whole connection into a worker thread would take the
 * remaining ~3 ms per group off the loop but add a structured-clone hop for every body and row read;
 * not worth it at these figures. Since measured (2026-11, delivery and ingest benches, same machine): the
 * whole store in a worker thread took 60-65 % of a core there while the main thread still spent ~8 % on
 * postMessage and clones and GC threads rose, so deliveries/s and ingest requests/s came out equal to
 * this in-thread store (the bench's receiver and load generator already use the second core). It may
 * pay on machines with spare cores; it does not on two. Measured again (2026-11-24, ingest bench, a
 * worker thread running only the inserts through this queue): the main thread fell from 159 to 114 µs
 * per request, but the inserts cost 67 µs in the worker against ~45 here, so the server's CPU per request
 * rose from 191 to 218 µs and requests/s stayed equal (5,521 against 5,490): with the load generator at
 * 63-67 µs per request, the two cores are the limit, not this thread.
 */
export function createWriteQueue(db: DatabaseSync, options: WriteQueueOptions): WriteQueue {
  let queue: Pending[] = [];
  let scheduled = false;
  let drainWaiters: (() => void)[] = [];
  let commits = 0;
  let committedJobs = 0;
  const syncing = new Set<Promise<void>>();
  let statements: { savepoint: StatementSync; release: StatementSync; rollbackTo: StatementSync } | null =
    null;

  const stmts = () => {
    statements ??= {
      savepoint: db.prepare('SAVEPOINT job'),
      release: db.prepare('RELEASE job'),
      rollbackTo: db.prepare('ROLLBACK TO job'),
    };
    return statements;
  };

  const flushSoon = () => setImmediate(flush);

  // Paced by the fsync: what is committed while an fsync runs is only durable after the next one, which
  // cannot start before the running one ends, so committing then answers no one sooner. Waiting for it
  // gathers everything that arrived meanwhile into one commit: each commit rewrites whole pages of the
  // table and of every index it touches into the WAL (15 frames for one ingest message, 55 for thirty),
  // so fewer, larger groups write less: 9.8-10 KB per 1 KiB ingest request at saturation instead of
  // 11.6-11.9. At half the peak rate fsyncs mostly end within the tick and little changes.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    const running = options.syncInFlight?.() ?? null;
    if (running) void running.then(flushSoon);
    else flushSoon();
  };

  const failAll = (jobs: Pending[], error: StoreError) => {
    for (const job of jobs) job.reject(error);
  };

  function flush(): void {
    scheduled = false;
    let budget = options.maxRowsPerCommit;
    let take = 0;
    while (take < queue.length && (take === 0 || budget >= (queue[take]?.rows ?? 0))) {
      budget -= queue[take]?.rows ?? 0;
      take++;
    }
    const batch = queue.slice(0, take);
    queue = queue.slice(take);
    if (queue.length > 0) schedule();
    if (batch.length > 0) commitGroup(batch);
    settleDrain();
  }

  function settleDrain(): void {
    if (queue.length > 0 || scheduled || syncing.size > 0) return;
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  function acknowledge(done: { job: Pending; value: unknown }[], work: boolean): void {
    commits++;
    committedJobs += done.length;
    for (const { job, value } of done) job.resolve(value);
    if (work) options.onWork();
  }

  /** Answers a committed group: at once, or after the durability fsync that covers its commit. */
  function afterCommit(done: { job: Pending; value: unknown }[], work: boolean): void {
    if (!options.durable) {
      acknowledge(done, work);
      return;
    }
    const sync: Promise<void> = options.durable().then(
      () => acknowledge(done, work),
      (error: unknown) =>
        failAll(
          done.map((d) => d.job),
          toStoreError(error),
        ),
    );
    syncing.add(sync);
    void sync.finally(() => {
      syncing.delete(sync);
      settleDrain();
    });
  }

  /** Rolls the current job back to its savepoint; false when even that fails. */
  function undoJob(): boolean {
    try {
      const { rollbackTo, release } = stmts();
      rollbackTo.run();
      release.run();
      return true;
    } catch {
      return false;
    }
  }

  function rollbackQuietly(): void {
    if (!db.isTransaction) return;
    try {
      db.exec('ROLLBACK');
    } catch {
      // The rollback failing too leaves nothing more to undo; the callers already get the first error.
    }
  }

  /** One run of a group: the jobs done so far, and whether one of them signalled work for dispatchers. */
  function newGroup() {
    const group = {
      done: [] as { job: Pending; value: unknown }[],
      work: false,
      signalWork: () => {
        group.work = true;
      },
    };
    return group;
  }

  function begin(batch: Pending[]): boolean {
    try {
      db.exec('BEGIN IMMEDIATE');
      return true;
    } catch (error) {
      failAll(batch, toStoreError(error));
      return false;
    }
  }

  function commit(done: { job: Pending; value: unknown }[], work: boolean): void {
    try {
      db.exec('COMMIT');
    } catch (error) {
      rollbackQuietly();
      failAll(
        done.map((d) => d.job),
        toStoreError(error),
      );
      return;
    }
    afterCommit(done, work);
  }

  /**
   * The whole group without savepoints first: a savepoint makes SQLite copy every page a job touches
   * into the statement journal, which cost about as much as the inserts themselves (43-60 against 19-36
   * µs per message with one delivery, 30 per group, on tmpfs). Should any job throw, the group is rolled
   * back and run again with one savepoint per job, so only that job fails; jobs may therefore run twice,
   * the first run undone (see WriteJob).
   */
  function commitGroup(batch: Pending[]): void {
    if (!begin(batch)) return;
    const group = newGroup();
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i] as Pending;
      try {
        group.done.push({ job, value: job.run(group.signalWork) });
      } catch (error) {
        rollbackQuietly();
        // Alone in its group, the job's own rollback is the whole group's.
        if (batch.length === 1) job.reject(toStoreError(error));
        else commitGroupJobByJob(batch);
        return;
      }
    }
    commit(group.done, group.work);
  }

  function commitGroupJobByJob(batch: Pending[]): void {
    if (!begin(batch)) return;
    const { savepoint, release } = stmts();
    const group = newGroup();
    const { done } = group;
    for (let i = 0; i < batch.length; i++) {
      const job = batch[i] as Pending;
      try {
        savepoint.run();
        const value = job.run(group.signalWork);
        release.run();
        done.push({ job, value });
      } catch (error) {
        const mapped = toStoreError(error);
        if (db.isTransaction && undoJob()) {
          job.reject(mapped);
          continue;
        }
        // SQLite abandoned the transaction (e.g. SQLITE_FULL) or the job could not be undone alone:
        // nothing of this group is committed, so every caller in it gets the error.
        rollbackQuietly();
        failAll([...done.map((d) => d.job), ...batch.slice(i)], mapped);
        return;
      }
    }
    commit(done, group.work);
  }

  return {
    enqueue<T>(rows: number, run: WriteJob<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ rows, run, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    stats: () => ({ commits, jobs: committedJobs }),
    drain() {
      if (queue.length === 0 && !scheduled && syncing.size === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
  };
}
