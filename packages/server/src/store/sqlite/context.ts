import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { LocalWorker, StoreDeps } from '../store.ts';
import type { WriteQueue } from './write-queue.ts';

/** What every operation file gets: the connection, a prepared-statement cache and the group-commit queue. */
export interface SqliteContext {
  db: DatabaseSync;
  deps: StoreDeps;
  queue: WriteQueue;
  /** Prepares `sql` once per connection and reuses it. */
  stmt(sql: string): StatementSync;
  maxBodyBytes: number;
  /** The attached in-process worker that takes new due deliveries straight from their insert. */
  localWorker: LocalWorker | null;
}

export function createStatementCache(db: DatabaseSync): (sql: string) => StatementSync {
  const cache = new Map<string, StatementSync>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}
