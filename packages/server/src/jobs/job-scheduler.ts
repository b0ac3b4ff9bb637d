import type { Store } from '../store/store.ts';

export interface ScheduledJob {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs maintenance jobs on an interval, each under `store.withExclusiveJob`, so with many processes on
 * PostgreSQL exactly one runs a given job at a time (the others skip that round).
 */
export function startJobs(
  store: Store,
  jobs: ScheduledJob[],
  onError: (job: string, error: unknown) => void,
): { stop: () => Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const job of jobs) {
    const tick = () => {
      const run = store
        .withExclusiveJob(job.name, job.run)
        .catch((error: unknown) => onError(job.name, error));
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
