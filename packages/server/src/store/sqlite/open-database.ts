import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface DatabaseOptions {
  path: string;
  /** FULL (default) survives power loss; NORMAL may lose the last commits on power loss, never corrupts. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a statement waits for another connection's write lock before failing `locked`. */
  busyTimeoutMs?: number;
  /** Caps the file size in pages (tests use it to simulate a full disk). */
  maxPageCount?: number;
}

/** Opens the file (creating its directory) with the pragmas every Hookline connection uses. */
export function openDatabase(options: DatabaseOptions): DatabaseSync {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  // Bigger cache and in-memory temp b-trees: the claim and list queries sort small sets.
  db.exec('PRAGMA cache_size = -65536');
  db.exec('PRAGMA temp_store = MEMORY');
  if (options.maxPageCount !== undefined)
    db.exec(`PRAGMA max_page_count = ${Math.trunc(options.maxPageCount)}`);
  return db;
}
