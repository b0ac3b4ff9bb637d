import { createSqliteStore } from './sqlite/create-sqlite-store.ts';
import type { Store, StoreDeps } from './store.ts';
import { StoreError } from './store-error.ts';

// A variable specifier: the PostgreSQL engine (and its `pg` driver) loads only when a postgres URL asks
// for it, and this file type-checks whether or not that engine has landed.
const POSTGRES_FACTORY: string = './postgres/create-postgres-store.ts';
interface PostgresFactoryModule {
  createPostgresStore(options: { connectionString: string; deps: StoreDeps }): Store;
}

/** Engine settings from the config; each engine ignores what is not its own. */
export interface OpenStoreOptions {
  /** SQLite durability (config `sqliteSynchronous`); default FULL. */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** Largest message body the SQLite store accepts; default 32 MiB. */
  maxBodyBytes?: number;
}

/**
 * Opens the store a URL names; the only place that chooses an engine. `postgres://` and `postgresql://`
 * open PostgreSQL; `sqlite:path`, `sqlite://path`, `file:path` or a bare path open SQLite. The store is
 * not migrated yet: call `migrate()`.
 *
 * @example
 * const store = await openStore('sqlite:data/hookline.db', { clock: Date.now, newId: createIdGenerator() }, {
 *   sqliteSynchronous: config.sqliteSynchronous,
 * });
 */
export async function openStore(
  url: string,
  deps: StoreDeps,
  options: OpenStoreOptions = {},
): Promise<Store> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { createPostgresStore } = (await import(POSTGRES_FACTORY)) as PostgresFactoryModule;
    return createPostgresStore({ connectionString: url, deps });
  }
  const path = sqlitePath(url);
  return createSqliteStore({
    path,
    deps,
    ...(options.sqliteSynchronous ? { synchronous: options.sqliteSynchronous } : {}),
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
  });
}

/** The file path in a SQLite store URL. */
export function sqlitePath(url: string): string {
  let path = url;
  const scheme = /^(sqlite|file):/i.exec(url);
  if (scheme) {
    path = url.slice(scheme[0].length);
    if (path.startsWith('//')) path = path.slice(2);
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(
      'invalid_argument',
      `unsupported store URL scheme in ${url.replace(/\/\/[^@/]*@/, '//***@')}`,
    );
  }
  if (path === '') throw new StoreError('invalid_argument', 'the SQLite store URL names no file');
  return path;
}
