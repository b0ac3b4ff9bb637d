// Runs in a worker thread (see checkpointer.ts): its own connection checkpoints the WAL on a timer, so the
// writes and fsyncs of a checkpoint never block the event loop that serves HTTP.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new DatabaseSync(path, { timeout: 1000 });
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch {
    // A busy or failing checkpoint is retried on the next tick; SQLite's own auto-checkpoint is the backstop.
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort?.postMessage('stopped');
    parentPort?.close();
  }
});
