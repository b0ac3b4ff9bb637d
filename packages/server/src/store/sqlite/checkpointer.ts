import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Checkpoints the WAL from a worker thread every `intervalMs` (PASSIVE: never blocks the writer). The main
 * connection's auto-checkpoint is raised to a backstop size, so in steady state no checkpoint (a few MB
 * written and two fsyncs) runs inside a COMMIT on the event loop. Measured in store-sqlite.bench.ts: the
 * checkpoint stalls were the tail of the event-loop delay during the 64-caller insert run.
 */
export function startCheckpointer(path: string, intervalMs = 100): Checkpointer {
  const worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), {
    workerData: { path, intervalMs },
  });
  worker.unref();
  worker.on('error', () => {
    // The backstop auto-checkpoint keeps the WAL bounded without the worker.
  });
  let exited = false;
  // A plain listener, not events.once: that would reject on the worker's 'error' event.
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  return {
    async stop() {
      if (exited) return;
      // Referenced again so the process stays up until the worker has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exit;
    },
  };
}
