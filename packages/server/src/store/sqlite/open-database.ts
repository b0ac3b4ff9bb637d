import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export interface DatabaseOptions {
  path: string;
  /**
   * FULL (default): every acknowledged commit survives power loss. NORMAL: the last commits before a power
   * loss may be lost (never corrupted); a process crash loses nothing either way.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Who runs FULL's fsync: `threadpool` (default) has the store fsync the WAL off the event loop before
   * answering (see wal-syncer.ts) while SQLite runs NORMAL; `sqlite` is SQLite's own FULL, inside COMMIT.
   */
  fsync?: 'threadpool' | 'sqlite';
  /** Checkpoint the WAL from a worker thread (default true; see checkpointer.ts). */
  backgroundCheckpoints?: boolean;
  /** With background checkpoints: WAL pages at which the writer checkpoints inline anyway (backstop). */
  walAutocheckpointPages?: number;
  /** How long a statement waits for another connection's write lock before failing `locked`. */
  busyTimeoutMs?: number;
  /** Caps the file size in pages (tests use it to simulate a full disk). */
  maxPageCount?: number;
}

/** Opens the file (creating its directory) with the pragmas every Hookline connection uses. */
export function openDatabase(options: DatabaseOptions): DatabaseSync {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
  enableWal(db, options.busyTimeoutMs ?? 5000);
  db.exec(`PRAGMA synchronous = ${sqliteSyncsCommits(options) ? 'FULL' : 'NORMAL'}`);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  // Bigger cache and in-memory temp b-trees: the claim and list queries sort small sets.
  db.exec('PRAGMA cache_size = -65536');
  db.exec('PRAGMA temp_store = MEMORY');
  // With the background checkpointer the WAL rarely reaches this; it bounds the WAL if the worker stalls.
  if (options.backgroundCheckpoints !== false && options.path !== ':memory:')
    db.exec('PRAGMA wal_autocheckpoint = 16384');
  if (options.maxPageCount !== undefined)
    db.exec(`PRAGMA max_page_count = ${Math.trunc(options.maxPageCount)}`);
  return db;
}

const SQLITE_BUSY = 5;

/**
 * Switches the file to WAL, waiting (up to the busy timeout) for another process doing the same. Two
 * processes opening one new file at once race to convert it, and SQLite answers the loser SQLITE_BUSY at
 * once without calling the busy handler: migrate.test.ts's two-process start failed about 1 run in 15.
 * The wait blocks, but only while opening, which is synchronous anyway.
 */
function enableWal(db: DatabaseSync, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== SQLITE_BUSY || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/** True when SQLite itself must fsync at each commit (FULL durability without the off-thread syncer). */
export function sqliteSyncsCommits(options: DatabaseOptions): boolean {
  return options.synchronous !== 'NORMAL' && (options.fsync === 'sqlite' || options.path === ':memory:');
}

/** True when the store must fsync the WAL itself before acknowledging a commit. */
export function storeSyncsCommits(options: DatabaseOptions): boolean {
  return options.synchronous !== 'NORMAL' && !sqliteSyncsCommits(options);
}
