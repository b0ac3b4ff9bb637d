/**
 * Group commit over a pool: callers' writes arriving in the same tick, or while earlier groups are being
 * committed, are handed to `flush` together, so 64 concurrent single-message publishes cost a few
 * multi-row statements instead of 64 commits. Up to `concurrency` groups are in flight at once (one
 * connection each), so the next group is gathered while the previous one waits for its fsync.
 *
 * `flush` settles every job it is given (resolve or reject); the queue only schedules.
 */
export interface QueuedJob<I, O> {
  input: I;
  /** Rows this job writes (the group budget counts rows, not jobs). */
  rows: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

export interface WriteQueue<I, O> {
  enqueue(input: I, rows: number): Promise<O>;
  /** Resolves once everything queued so far is settled. */
  drain(): Promise<void>;
}

export interface WriteQueueOptions<I, O> {
  maxRowsPerCommit: number;
  concurrency: number;
  flush: (jobs: QueuedJob<I, O>[]) => Promise<void>;
}

export function createWriteQueue<I, O>(options: WriteQueueOptions<I, O>): WriteQueue<I, O> {
  const waiting: QueuedJob<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;
  const idle: (() => void)[] = [];

  function schedule(): void {
    if (scheduled || inFlight >= options.concurrency || waiting.length === 0) return;
    scheduled = true;
    // setImmediate, not a microtask: callers resolving in the same I/O phase join this group.
    setImmediate(start);
  }

  function start(): void {
    scheduled = false;
    while (inFlight < options.concurrency && waiting.length > 0) {
      const group: QueuedJob<I, O>[] = [];
      let budget = options.maxRowsPerCommit;
      while (waiting.length > 0) {
        const next = waiting[0] as QueuedJob<I, O>;
        if (group.length > 0 && next.rows > budget) break;
        group.push(next);
        waiting.shift();
        budget -= next.rows;
      }
      inFlight++;
      options
        .flush(group)
        .catch((error: unknown) => {
          for (const job of group) job.reject(error);
        })
        .finally(() => {
          inFlight--;
          if (waiting.length > 0) schedule();
          else if (inFlight === 0) for (const done of idle.splice(0)) done();
        });
      // Leave room for callers of the next tick unless the queue is already deep.
      if (waiting.length < options.maxRowsPerCommit / 4) break;
    }
    if (waiting.length > 0) schedule();
  }

  return {
    enqueue(input, rows) {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ input, rows, resolve, reject });
        schedule();
      });
    },
    drain() {
      if (waiting.length === 0 && inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
