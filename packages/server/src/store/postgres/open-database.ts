import pg from 'pg';
import { StoreError } from '../store-error.ts';
import { type AvailabilityGuard, createAvailabilityGuard } from './availability-guard.ts';
import { isConnectionFailure, toStoreError } from './postgres-error.ts';

/** Something that runs one statement: the pool, or one client inside a transaction. */
export interface Queryable {
  query<R>(text: string, values?: readonly unknown[], name?: string): Promise<R[]>;
}

/** The pool behind every operation file: coded errors, a fail-fast breaker, transactions. */
export interface Db extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** A new connection outside the pool (LISTEN, advisory session locks), with the same settings. */
  newClient(applicationName: string): pg.Client;
  /**
   * One transaction on a dedicated connection with no statement or query timeout: for migrations, whose
   * index builds on a large table may take minutes and must not be cut off halfway (they would roll back).
   */
  unboundedTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  readonly guard: AvailabilityGuard;
  close(): Promise<void>;
}

export interface DbOptions {
  connectionString: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

// int8 (OID 20) is how times and lease tokens come back; they fit a double, and the contract wants numbers.
// Set per pool through `types`, never on the global `pg.types`, so other pg users in the process are unaffected.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

/** Opens the connection pool (lazily: no connection is made until the first query). */
export function openDatabase(options: DbOptions): Db {
  const clientConfig = {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Server-side bound on every statement, and a client-side one a little later for a silent network.
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 2_000,
    // Every execution of a named statement is planned with its values. PostgreSQL otherwise settles on a
    // generic plan after five runs, made with the statistics of that moment: a worker that starts on a
    // young database caches a sequential scan of messages for its batch reads, and each read then costs
    // the whole table (measured: 0.8 ms per 64-message read at 0 rows, 42 ms at 32,000, growing with
    // it) until autovacuum happens to analyze. Planning these short statements costs far less.
    options: '-c plan_cache_mode=force_custom_plan',
    keepAlive: true,
    types,
  };
  const pool = new pg.Pool({
    ...clientConfig,
    application_name: 'hookline',
    max: options.poolSize,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const guard = createAvailabilityGuard();
  let closed = false;

  async function run<T>(fn: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError('closed', 'hookline store (postgres): the store is closed');
    guard.check();
    try {
      const value = await fn();
      guard.succeeded();
      return value;
    } catch (error) {
      if (isConnectionFailure(error)) guard.failed(error);
      throw toStoreError(error);
    }
  }

  function wrap(client: pg.Pool | pg.PoolClient | pg.Client): Queryable {
    return {
      async query<R>(text: string, values: readonly unknown[] = [], name?: string) {
        const config = name ? { name, text, values: [...values] } : { text, values: [...values] };
        const result = await client.query(config);
        return result.rows as R[];
      },
    };
  }

  const direct = wrap(pool);
  return {
    guard,
    query: (text, values, name) => run(() => direct.query(text, values, name)),
    transaction: (fn) =>
      run(async () => {
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN');
          const value = await fn(wrap(client));
          await client.query('COMMIT');
          return value;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true;
          }
          throw error;
        } finally {
          client.release(broken);
        }
      }),
    unboundedTransaction: (fn) =>
      run(async () => {
        const { statement_timeout: _s, query_timeout: _q, ...rest } = clientConfig;
        const client = new pg.Client({ ...rest, application_name: 'hookline-migrate' });
        client.on('error', () => {});
        await client.connect();
        try {
          await client.query('BEGIN');
          const value = await fn(wrap(client));
          await client.query('COMMIT');
          return value;
        } finally {
          // Ending the session rolls back anything left open.
          await client.end().catch(() => {});
        }
      }),
    newClient(applicationName) {
      const client = new pg.Client({ ...clientConfig, application_name: applicationName });
      client.on('error', () => {});
      return client;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
