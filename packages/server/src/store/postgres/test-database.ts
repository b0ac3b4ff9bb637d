/**
 * PostgreSQL test databases: each test file creates its own (`hookline_test_<random>`) from
 * `HOOKLINE_TEST_PG_URL` and drops it after. Unset URL → tests are skipped, except with `CI=true`, where an
 * unset or unreachable server fails the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createIdGenerator } from '../../ids.ts';
import type { Store, StoreDeps } from '../store.ts';
import { StoreError } from '../store-error.ts';
import type { PostgresStoreInternals } from './create-postgres-store.ts';

export const PG_URL = process.env.HOOKLINE_TEST_PG_URL;

/** For `test(..., { skip: pgSkip })`: a reason to skip, or false to run (always run under CI). */
export const pgSkip: string | false =
  PG_URL || process.env.CI === 'true' ? false : 'HOOKLINE_TEST_PG_URL is not set';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

function adminUrl(override?: string): string {
  if (override) return override;
  if (!PG_URL) {
    throw new StoreError(
      'unavailable',
      'CI=true requires HOOKLINE_TEST_PG_URL: the PostgreSQL tests may not be skipped',
    );
  }
  return PG_URL;
}

/** Runs `sql` on the admin database named in `HOOKLINE_TEST_PG_URL`. */
export async function adminQuery(
  sql: string,
  values: unknown[] = [],
  admin?: string,
): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl(admin) });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** A fresh database `hookline_<prefix>_<random>` on the server of `admin` (default: the test URL). */
export async function createTestDatabase(admin?: string, prefix = 'test'): Promise<TestDatabase> {
  const name = `hookline_${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`, [], admin);
  const url = new URL(adminUrl(admin));
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, [], admin);
    },
  };
}

/** Real clock, real ids; tests that need to move time pass their own clock. */
export function testDeps(clock: () => number = Date.now): StoreDeps {
  return { clock, newId: createIdGenerator(clock) };
}

/** A migrated store on a fresh database, and how to drop both. */
export async function openTestStore(
  options: { clock?: () => number; connectionString?: string } & Record<string, unknown> = {},
): Promise<{ store: Store & PostgresStoreInternals; database: TestDatabase; close(): Promise<void> }> {
  const { createPostgresStore } = await import('./create-postgres-store.ts');
  const database = await createTestDatabase();
  const { clock, connectionString, ...rest } = options;
  const store = createPostgresStore({
    connectionString: connectionString ?? database.url,
    deps: testDeps(clock),
    ...rest,
  }) as Store & PostgresStoreInternals;
  await store.migrate();
  return {
    store,
    database,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
