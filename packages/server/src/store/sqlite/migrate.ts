import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { toStoreError } from './sqlite-error.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** The numbered migration files (`001_init.sql`, …) in the order they apply. */
export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(MIGRATIONS_DIR, file), 'utf8'),
    }));
}

/**
 * Applies every pending migration in one IMMEDIATE transaction, recording each in `hookline_migrations`.
 * The applied set is read after the write lock is taken, so a second connection racing on the same file
 * waits (busy_timeout) and then finds nothing left to do.
 */
export function migrate(db: DatabaseSync, now: number): { applied: string[] } {
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS hookline_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    throw toStoreError(error);
  }
  try {
    const done = new Set(
      db
        .prepare('SELECT name FROM hookline_migrations')
        .all()
        .map((row) => String(row.name)),
    );
    const applied: string[] = [];
    const record = db.prepare('INSERT INTO hookline_migrations (name, applied_at) VALUES (?, ?)');
    for (const migration of migrationFiles()) {
      if (done.has(migration.name)) continue;
      db.exec(migration.sql);
      record.run(migration.name, now);
      applied.push(migration.name);
    }
    db.exec('COMMIT');
    return { applied };
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw toStoreError(error);
  }
}

/** Names of the migrations not yet applied to this database. */
export function pendingMigrations(db: DatabaseSync): string[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'hookline_migrations'")
    .get();
  const done = new Set(
    exists
      ? db
          .prepare('SELECT name FROM hookline_migrations')
          .all()
          .map((row) => String(row.name))
      : [],
  );
  return migrationFiles()
    .map((m) => m.name)
    .filter((name) => !done.has(name));
}
