import type { LocalWorker, StoreDeps } from '../store.ts';
import type { Db } from './open-database.ts';

/** What every operation file gets: the pool, injected time and ids, and limits. */
export interface PostgresContext {
  db: Db;
  deps: StoreDeps;
  maxBodyBytes: number;
  /**
   * Wakes this process's own `onWork` listeners at once after a commit that made work due; other
   * processes hear the NOTIFY sent in the same statement.
   */
  signalWork: () => void;
  /** The attached in-process worker that takes new due deliveries straight from their insert. */
  localWorker: LocalWorker | null;
}

/** The channel `LISTEN/NOTIFY` wake-ups use. */
export const WORK_CHANNEL = 'hookline_work';
