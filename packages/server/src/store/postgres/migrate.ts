import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './open-database.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** Advisory lock keys: one namespace for Hookline, one key per purpose. */
export const LOCK_NAMESPACE = 0x484b4c; // "HKL"
const MIGRATE_LOCK = 1;

/** The numbered `.sql` files, in the order they apply. */
export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({
      name: name.replace(/\.sql$/, ''),
      sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8'),
    }));
}

/**
 * Applies every pending migration in one transaction under a transaction-scoped advisory lock: a second
 * process migrating at the same moment waits, then finds nothing left to do. Idempotent.
 */
export async function migrate(db: Db, now: number): Promise<{ applied: string[] }> {
  return db.unboundedTransaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATE_LOCK]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS hookline_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const done = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM hookline_migrations')).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const migration of migrationFiles()) {
      if (done.has(migration.name)) continue;
      await tx.query(migration.sql);
      await tx.query('INSERT INTO hookline_migrations (name, applied_at) VALUES ($1, $2)', [
        migration.name,
        now,
      ]);
      applied.push(migration.name);
    }
    return { applied };
  });
}

/** Names of migrations not yet applied (empty when up to date); throws when the database is unreachable. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [table] = await db.query<{ t: string | null }>(
    "SELECT to_regclass('hookline_migrations')::text AS t",
  );
  const rows = table?.t ? await db.query<{ name: string }>('SELECT name FROM hookline_migrations') : [];
  const done = new Set(rows.map((r) => r.name));
  return migrationFiles()
    .map((m) => m.name)
    .filter((name) => !done.has(name));
}
