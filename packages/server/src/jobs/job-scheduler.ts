import type { Store } from '../store/store.ts';

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/** One round of one job: whether this process ran it (false: another process held its lock), and when. */
export interface JobRunRecord {
  job: string;
  ran: boolean;
  startedAt: number;
  finishedAt: number;
}

export interface JobSchedulerOptions {
  onError: (job: string, error: unknown) => void;
  /** Every round that ended without an error (the worker logs it at debug: the multi-process test reads it). */
  onRound?: (record: JobRunRecord) => void;
  clock?: () => number;
}

/**
 * Runs maintenance jobs on an interval, each under `store.withExclusiveJob`, so with many processes on
 * PostgreSQL exactly one runs a given job at a time (the others skip that round).
 */
export function startJobs(
  store: Store,
  jobs: ScheduledJob[],
  options: JobSchedulerOptions,
): { stop: () => Promise<void> } {
  const clock = options.clock ?? Date.now;
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobs) {
    const tick = () => {
      let startedAt = 0;
      let finishedAt = 0;
      const run = store
        .withExclusiveJob(job.name, async () => {
          // Both taken while the lock is held, so the records of one job never overlap when it works.
          startedAt = clock();
          try {
            return await job.run();
          } finally {
            finishedAt = clock();
          }
        })
        .then((result) => {
          const at = clock();
          options.onRound?.({
            job: job.name,
            ran: result.ran,
            startedAt: result.ran ? startedAt : at,
            finishedAt: result.ran ? finishedAt : at,
          });
        })
        .catch((error: unknown) => options.onError(job.name, error));
      running.add(run);
      void run.finally(() => running.delete(run));
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
